# Turns a text file into a C++ source with a std::string_view constant (no run-time file access:
# the benchmark binary also runs from a bundle on the GPU machine).
# cmake -DINPUT=... -DOUTPUT=... -DNAME=... -P embed.cmake
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," chars "${hex}")
file(WRITE "${OUTPUT}" "#include <string_view>\nnamespace glyphstream::bench {\nstatic const char k${NAME}Data[] = {${chars} 0};\nextern const std::string_view k${NAME}(k${NAME}Data, sizeof(k${NAME}Data) - 1);\n}\n")
