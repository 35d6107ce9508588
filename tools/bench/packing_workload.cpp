// Glyph sets are made of real glyph boxes: texts laid out by text::Layouter (Pango, fontconfig
// fallback over the installed DejaVu, Noto and WenQuanYi fonts) and rasterized by
// text::Rasterizer, each distinct (face, glyph, size, sub-pixel bin) once, in text order. The
// boxes go into one page of page_size^2 (no growth, no eviction) until it first refuses one; if a
// pass over the set does not fill the page, the set is repeated in shuffled order (fixed seed).
#include "packing_workload.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "atlas/atlas.h"
#include "baselines/reference_packer.h"
#include "text/font_registry.h"
#include "text/layout.h"
#include "text/rasterizer.h"
#include "workloads.h"  // percentile

namespace glyphstream::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Box {
  int w = 0;
  int h = 0;
};

// User-interface strings: menus, dialogs, forms, settings, punctuation and accented Latin.
constexpr const char* kLatinUi =
    "File Edit View Insert Format Tools Window Help. Open Recent... Save As... Export to PDF.\n"
    "Your changes have been saved. Are you sure you want to delete 3 items? This action cannot be "
    "undone.\n"
    "Username: Password: Remember me. Forgot your password? Sign in. Create account. Cancel OK "
    "Apply Close\n"
    "The quick brown fox jumps over the lazy dog. THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG! "
    "0123456789\n"
    "Settings > Display > Resolution: 1920 x 1080 (Recommended) | Scale: 125% | Night light: Off\n"
    "Downloads (12) - Documents - Pictures - Music - Videos - Trash; Search files & folders "
    "[Ctrl+F]\n"
    "R\u00e9sum\u00e9, na\u00efve caf\u00e9, fa\u00e7ade, \u00c5ngstr\u00f6m, Z\u00fcrich, "
    "S\u00e3o Paulo, Krak\u00f3w, \u00c6sir, \u0153uvre, d\u00e9j\u00e0 vu, El Ni\u00f1o.\n"
    "\"Quoted\" 'text' {braces} <angle> @user #tag $9.99 ~tilde ^caret *star _under_ =equals+plus "
    "\\ / |\n"
    "Battery 87% \u2014 3 h 12 min remaining. Wi-Fi: Home_Network_5G (connected). Bluetooth: on.\n";

// A few sentences per script.
constexpr const char* kMixedScripts =
    "The quick brown fox jumps over the lazy dog. Settings, Help, Open file (Ctrl+O).\n"
    "\u0421\u044a\u0435\u0448\u044c \u0436\u0435 \u0435\u0449\u0451 \u044d\u0442\u0438\u0445 "
    "\u043c\u044f\u0433\u043a\u0438\u0445 \u0444\u0440\u0430\u043d\u0446\u0443\u0437\u0441\u043a"
    "\u0438\u0445 \u0431\u0443\u043b\u043e\u043a, \u0434\u0430 \u0432\u044b\u043f\u0435\u0439 "
    "\u0447\u0430\u044e. \u041d\u0430\u0441\u0442\u0440\u043e\u0439\u043a\u0438.\n"
    "\u039e\u03b5\u03c3\u03ba\u03b5\u03c0\u03ac\u03b6\u03c9 \u03c4\u03b7\u03bd \u03c8\u03c5\u03c7"
    "\u03bf\u03c6\u03b8\u03cc\u03c1\u03b1 \u03b2\u03b4\u03b5\u03bb\u03c5\u03b3\u03bc\u03af\u03b1. "
    "\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1 \u03ba\u03cc\u03c3\u03bc\u03b5.\n"
    "\u0646\u0635 \u062d\u0643\u064a\u0645 \u0644\u0647 \u0633\u0631 \u0642\u0627\u0637\u0639 "
    "\u0648\u0630\u0648 \u0634\u0623\u0646 \u0639\u0638\u064a\u0645 \u0645\u0643\u062a\u0648\u0628 "
    "\u0639\u0644\u0649 \u062b\u0648\u0628 \u0623\u062e\u0636\u0631.\n"
    "\u05d3\u05d2 \u05e1\u05e7\u05e8\u05df \u05e9\u05d8 \u05d1\u05d9\u05dd \u05de\u05d0\u05d5\u05db"
    "\u05d6\u05d1 \u05d5\u05dc\u05e4\u05ea\u05e2 \u05de\u05e6\u05d0 \u05d7\u05d1\u05e8\u05d4. "
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd.\n"
    "\u090b\u0937\u093f\u092f\u094b\u0902 \u0915\u094b \u0938\u0924\u093e\u0928\u0947 \u0935\u093e"
    "\u0932\u0947 \u0926\u0941\u0937\u094d\u091f \u0930\u093e\u0915\u094d\u0937\u0938\u094b\u0902 "
    "\u0915\u0947 \u0930\u093e\u091c\u093e \u0930\u093e\u0935\u0923 \u0915\u093e \u0938\u0930\u094d"
    "\u0935\u0928\u093e\u0936\u0964\n"
    "\u6211\u80fd\u541e\u4e0b\u73bb\u7483\u800c\u4e0d\u4f24\u8eab\u4f53\u3002\u4f60\u597d\uff0c"
    "\u4e16\u754c\uff01\u8bbe\u7f6e\u3001\u5e2e\u52a9\u3001\u6253\u5f00\u6587\u4ef6\u3002"
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3082\u8868\u793a\u3057\u307e\u3059\u3002\n";

// The 3,755 GB2312 level-1 Han characters: the most common ones in Chinese text.
constexpr const char* kCommonHan =
    "啊阿埃挨哎唉哀皑癌蔼矮艾碍爱隘鞍氨安俺按暗岸胺案肮昂盎凹敖熬翱袄傲奥懊澳芭捌扒叭"
    "吧笆八疤巴拔跋靶把耙坝霸罢爸白柏百摆佰败拜稗斑班搬扳般颁板版扮拌伴瓣半办绊邦帮梆"
    "榜膀绑棒磅蚌镑傍谤苞胞包褒剥薄雹保堡饱宝抱报暴豹鲍爆杯碑悲卑北辈背贝钡倍狈备惫焙"
    "被奔苯本笨崩绷甭泵蹦迸逼鼻比鄙笔彼碧蓖蔽毕毙毖币庇痹闭敝弊必辟壁臂避陛鞭边编贬扁"
    "便变卞辨辩辫遍标彪膘表鳖憋别瘪彬斌濒滨宾摈兵冰柄丙秉饼炳病并玻菠播拨钵波博勃搏铂"
    "箔伯帛舶脖膊渤泊驳捕卜哺补埠不布步簿部怖擦猜裁材才财睬踩采彩菜蔡餐参蚕残惭惨灿苍"
    "舱仓沧藏操糙槽曹草厕策侧册测层蹭插叉茬茶查碴搽察岔差诧拆柴豺搀掺蝉馋谗缠铲产阐颤"
    "昌猖场尝常长偿肠厂敞畅唱倡超抄钞朝嘲潮巢吵炒车扯撤掣彻澈郴臣辰尘晨忱沉陈趁衬撑称"
    "城橙成呈乘程惩澄诚承逞骋秤吃痴持匙池迟弛驰耻齿侈尺赤翅斥炽充冲虫崇宠抽酬畴踌稠愁"
    "筹仇绸瞅丑臭初出橱厨躇锄雏滁除楚础储矗搐触处揣川穿椽传船喘串疮窗幢床闯创吹炊捶锤"
    "垂春椿醇唇淳纯蠢戳绰疵茨磁雌辞慈瓷词此刺赐次聪葱囱匆从丛凑粗醋簇促蹿篡窜摧崔催脆"
    "瘁粹淬翠村存寸磋撮搓措挫错搭达答瘩打大呆歹傣戴带殆代贷袋待逮怠耽担丹单郸掸胆旦氮"
    "但惮淡诞弹蛋当挡党荡档刀捣蹈倒岛祷导到稻悼道盗德得的蹬灯登等瞪凳邓堤低滴迪敌笛狄"
    "涤翟嫡抵底地蒂第帝弟递缔颠掂滇碘点典靛垫电佃甸店惦奠淀殿碉叼雕凋刁掉吊钓调跌爹碟"
    "蝶迭谍叠丁盯叮钉顶鼎锭定订丢东冬董懂动栋侗恫冻洞兜抖斗陡豆逗痘都督毒犊独读堵睹赌"
    "杜镀肚度渡妒端短锻段断缎堆兑队对墩吨蹲敦顿囤钝盾遁掇哆多夺垛躲朵跺舵剁惰堕蛾峨鹅"
    "俄额讹娥恶厄扼遏鄂饿恩而儿耳尔饵洱二贰发罚筏伐乏阀法珐藩帆番翻樊矾钒繁凡烦反返范"
    "贩犯饭泛坊芳方肪房防妨仿访纺放菲非啡飞肥匪诽吠肺废沸费芬酚吩氛分纷坟焚汾粉奋份忿"
    "愤粪丰封枫蜂峰锋风疯烽逢冯缝讽奉凤佛否夫敷肤孵扶拂辐幅氟符伏俘服浮涪福袱弗甫抚辅"
    "俯釜斧脯腑府腐赴副覆赋复傅付阜父腹负富讣附妇缚咐噶嘎该改概钙盖溉干甘杆柑竿肝赶感"
    "秆敢赣冈刚钢缸肛纲岗港杠篙皋高膏羔糕搞镐稿告哥歌搁戈鸽胳疙割革葛格蛤阁隔铬个各给"
    "根跟耕更庚羹埂耿梗工攻功恭龚供躬公宫弓巩汞拱贡共钩勾沟苟狗垢构购够辜菇咕箍估沽孤"
    "姑鼓古蛊骨谷股故顾固雇刮瓜剐寡挂褂乖拐怪棺关官冠观管馆罐惯灌贯光广逛瑰规圭硅归龟"
    "闺轨鬼诡癸桂柜跪贵刽辊滚棍锅郭国果裹过哈骸孩海氦亥害骇酣憨邯韩含涵寒函喊罕翰撼捍"
    "旱憾悍焊汗汉夯杭航壕嚎豪毫郝好耗号浩呵喝荷菏核禾和何合盒貉阂河涸赫褐鹤贺嘿黑痕很"
    "狠恨哼亨横衡恒轰哄烘虹鸿洪宏弘红喉侯猴吼厚候后呼乎忽瑚壶葫胡蝴狐糊湖弧虎唬护互沪"
    "户花哗华猾滑画划化话槐徊怀淮坏欢环桓还缓换患唤痪豢焕涣宦幻荒慌黄磺蝗簧皇凰惶煌晃"
    "幌恍谎灰挥辉徽恢蛔回毁悔慧卉惠晦贿秽会烩汇讳诲绘荤昏婚魂浑混豁活伙火获或惑霍货祸"
    "击圾基机畸稽积箕肌饥迹激讥鸡姬绩缉吉极棘辑籍集及急疾汲即嫉级挤几脊己蓟技冀季伎祭"
    "剂悸济寄寂计记既忌际妓继纪嘉枷夹佳家加荚颊贾甲钾假稼价架驾嫁歼监坚尖笺间煎兼肩艰"
    "奸缄茧检柬碱硷拣捡简俭剪减荐槛鉴践贱见键箭件健舰剑饯渐溅涧建僵姜将浆江疆蒋桨奖讲"
    "匠酱降蕉椒礁焦胶交郊浇骄娇嚼搅铰矫侥脚狡角饺缴绞剿教酵轿较叫窖揭接皆秸街阶截劫节"
    "桔杰捷睫竭洁结解姐戒藉芥界借介疥诫届巾筋斤金今津襟紧锦仅谨进靳晋禁近烬浸尽劲荆兢"
    "茎睛晶鲸京惊精粳经井警景颈静境敬镜径痉靖竟竞净炯窘揪究纠玖韭久灸九酒厩救旧臼舅咎"
    "就疚鞠拘狙疽居驹菊局咀矩举沮聚拒据巨具距踞锯俱句惧炬剧捐鹃娟倦眷卷绢撅攫抉掘倔爵"
    "觉决诀绝均菌钧军君峻俊竣浚郡骏喀咖卡咯开揩楷凯慨刊堪勘坎砍看康慷糠扛抗亢炕考拷烤"
    "靠坷苛柯棵磕颗科壳咳可渴克刻客课肯啃垦恳坑吭空恐孔控抠口扣寇枯哭窟苦酷库裤夸垮挎"
    "跨胯块筷侩快宽款匡筐狂框矿眶旷况亏盔岿窥葵奎魁傀馈愧溃坤昆捆困括扩廓阔垃拉喇蜡腊"
    "辣啦莱来赖蓝婪栏拦篮阑兰澜谰揽览懒缆烂滥琅榔狼廊郎朗浪捞劳牢老佬姥酪烙涝勒乐雷镭"
    "蕾磊累儡垒擂肋类泪棱楞冷厘梨犁黎篱狸离漓理李里鲤礼莉荔吏栗丽厉励砾历利傈例俐痢立"
    "粒沥隶力璃哩俩联莲连镰廉怜涟帘敛脸链恋炼练粮凉梁粱良两辆量晾亮谅撩聊僚疗燎寥辽潦"
    "了撂镣廖料列裂烈劣猎琳林磷霖临邻鳞淋凛赁吝拎玲菱零龄铃伶羚凌灵陵岭领另令溜琉榴硫"
    "馏留刘瘤流柳六龙聋咙笼窿隆垄拢陇楼娄搂篓漏陋芦卢颅庐炉掳卤虏鲁麓碌露路赂鹿潞禄录"
    "陆戮驴吕铝侣旅履屡缕虑氯律率滤绿峦挛孪滦卵乱掠略抡轮伦仑沦纶论萝螺罗逻锣箩骡裸落"
    "洛骆络妈麻玛码蚂马骂嘛吗埋买麦卖迈脉瞒馒蛮满蔓曼慢漫谩芒茫盲氓忙莽猫茅锚毛矛铆卯"
    "茂冒帽貌贸么玫枚梅酶霉煤没眉媒镁每美昧寐妹媚门闷们萌蒙檬盟锰猛梦孟眯醚靡糜迷谜弥"
    "米秘觅泌蜜密幂棉眠绵冕免勉娩缅面苗描瞄藐秒渺庙妙蔑灭民抿皿敏悯闽明螟鸣铭名命谬摸"
    "摹蘑模膜磨摩魔抹末莫墨默沫漠寞陌谋牟某拇牡亩姆母墓暮幕募慕木目睦牧穆拿哪呐钠那娜"
    "纳氖乃奶耐奈南男难囊挠脑恼闹淖呢馁内嫩能妮霓倪泥尼拟你匿腻逆溺蔫拈年碾撵捻念娘酿"
    "鸟尿捏聂孽啮镊镍涅您柠狞凝宁拧泞牛扭钮纽脓浓农弄奴努怒女暖虐疟挪懦糯诺哦欧鸥殴藕"
    "呕偶沤啪趴爬帕怕琶拍排牌徘湃派攀潘盘磐盼畔判叛乓庞旁耪胖抛咆刨炮袍跑泡呸胚培裴赔"
    "陪配佩沛喷盆砰抨烹澎彭蓬棚硼篷膨朋鹏捧碰坯砒霹批披劈琵毗啤脾疲皮匹痞僻屁譬篇偏片"
    "骗飘漂瓢票撇瞥拼频贫品聘乒坪苹萍平凭瓶评屏坡泼颇婆破魄迫粕剖扑铺仆莆葡菩蒲埔朴圃"
    "普浦谱曝瀑期欺栖戚妻七凄漆柒沏其棋奇歧畦崎脐齐旗祈祁骑起岂乞企启契砌器气迄弃汽泣"
    "讫掐恰洽牵扦钎铅千迁签仟谦乾黔钱钳前潜遣浅谴堑嵌欠歉枪呛腔羌墙蔷强抢橇锹敲悄桥瞧"
    "乔侨巧鞘撬翘峭俏窍切茄且怯窃钦侵亲秦琴勤芹擒禽寝沁青轻氢倾卿清擎晴氰情顷请庆琼穷"
    "秋丘邱球求囚酋泅趋区蛆曲躯屈驱渠取娶龋趣去圈颧权醛泉全痊拳犬券劝缺炔瘸却鹊榷确雀"
    "裙群然燃冉染瓤壤攘嚷让饶扰绕惹热壬仁人忍韧任认刃妊纫扔仍日戎茸蓉荣融熔溶容绒冗揉"
    "柔肉茹蠕儒孺如辱乳汝入褥软阮蕊瑞锐闰润若弱撒洒萨腮鳃塞赛三叁伞散桑嗓丧搔骚扫嫂瑟"
    "色涩森僧莎砂杀刹沙纱傻啥煞筛晒珊苫杉山删煽衫闪陕擅赡膳善汕扇缮墒伤商赏晌上尚裳梢"
    "捎稍烧芍勺韶少哨邵绍奢赊蛇舌舍赦摄射慑涉社设砷申呻伸身深娠绅神沈审婶甚肾慎渗声生"
    "甥牲升绳省盛剩胜圣师失狮施湿诗尸虱十石拾时什食蚀实识史矢使屎驶始式示士世柿事拭誓"
    "逝势是嗜噬适仕侍释饰氏市恃室视试收手首守寿授售受瘦兽蔬枢梳殊抒输叔舒淑疏书赎孰熟"
    "薯暑曙署蜀黍鼠属术述树束戍竖墅庶数漱恕刷耍摔衰甩帅栓拴霜双爽谁水睡税吮瞬顺舜说硕"
    "朔烁斯撕嘶思私司丝死肆寺嗣四伺似饲巳松耸怂颂送宋讼诵搜艘擞嗽苏酥俗素速粟僳塑溯宿"
    "诉肃酸蒜算虽隋随绥髓碎岁穗遂隧祟孙损笋蓑梭唆缩琐索锁所塌他它她塔獭挞蹋踏胎苔抬台"
    "泰酞太态汰坍摊贪瘫滩坛檀痰潭谭谈坦毯袒碳探叹炭汤塘搪堂棠膛唐糖倘躺淌趟烫掏涛滔绦"
    "萄桃逃淘陶讨套特藤腾疼誊梯剔踢锑提题蹄啼体替嚏惕涕剃屉天添填田甜恬舔腆挑条迢眺跳"
    "贴铁帖厅听烃汀廷停亭庭挺艇通桐酮瞳同铜彤童桶捅筒统痛偷投头透凸秃突图徒途涂屠土吐"
    "兔湍团推颓腿蜕褪退吞屯臀拖托脱鸵陀驮驼椭妥拓唾挖哇蛙洼娃瓦袜歪外豌弯湾玩顽丸烷完"
    "碗挽晚皖惋宛婉万腕汪王亡枉网往旺望忘妄威巍微危韦违桅围唯惟为潍维苇萎委伟伪尾纬未"
    "蔚味畏胃喂魏位渭谓尉慰卫瘟温蚊文闻纹吻稳紊问嗡翁瓮挝蜗涡窝我斡卧握沃巫呜钨乌污诬"
    "屋无芜梧吾吴毋武五捂午舞伍侮坞戊雾晤物勿务悟误昔熙析西硒矽晰嘻吸锡牺稀息希悉膝夕"
    "惜熄烯溪汐犀檄袭席习媳喜铣洗系隙戏细瞎虾匣霞辖暇峡侠狭下厦夏吓掀锨先仙鲜纤咸贤衔"
    "舷闲涎弦嫌显险现献县腺馅羡宪陷限线相厢镶香箱襄湘乡翔祥详想响享项巷橡像向象萧硝霄"
    "削哮嚣销消宵淆晓小孝校肖啸笑效楔些歇蝎鞋协挟携邪斜胁谐写械卸蟹懈泄泻谢屑薪芯锌欣"
    "辛新忻心信衅星腥猩惺兴刑型形邢行醒幸杏性姓兄凶胸匈汹雄熊休修羞朽嗅锈秀袖绣墟戌需"
    "虚嘘须徐许蓄酗叙旭序畜恤絮婿绪续轩喧宣悬旋玄选癣眩绚靴薛学穴雪血勋熏循旬询寻驯巡"
    "殉汛训讯逊迅压押鸦鸭呀丫芽牙蚜崖衙涯雅哑亚讶焉咽阉烟淹盐严研蜒岩延言颜阎炎沿奄掩"
    "眼衍演艳堰燕厌砚雁唁彦焰宴谚验殃央鸯秧杨扬佯疡羊洋阳氧仰痒养样漾邀腰妖瑶摇尧遥窑"
    "谣姚咬舀药要耀椰噎耶爷野冶也页掖业叶曳腋夜液一壹医揖铱依伊衣颐夷遗移仪胰疑沂宜姨"
    "彝椅蚁倚已乙矣以艺抑易邑屹亿役臆逸肄疫亦裔意毅忆义益溢诣议谊译异翼翌绎茵荫因殷音"
    "阴姻吟银淫寅饮尹引隐印英樱婴鹰应缨莹萤营荧蝇迎赢盈影颖硬映哟拥佣臃痈庸雍踊蛹咏泳"
    "涌永恿勇用幽优悠忧尤由邮铀犹油游酉有友右佑釉诱又幼迂淤于盂榆虞愚舆余俞逾鱼愉渝渔"
    "隅予娱雨与屿禹宇语羽玉域芋郁吁遇喻峪御愈欲狱育誉浴寓裕预豫驭鸳渊冤元垣袁原援辕园"
    "员圆猿源缘远苑愿怨院曰约越跃钥岳粤月悦阅耘云郧匀陨允运蕴酝晕韵孕匝砸杂栽哉灾宰载"
    "再在咱攒暂赞赃脏葬遭糟凿藻枣早澡蚤躁噪造皂灶燥责择则泽贼怎增憎曾赠扎喳渣札轧铡闸"
    "眨栅榨咋乍炸诈摘斋宅窄债寨瞻毡詹粘沾盏斩辗崭展蘸栈占战站湛绽樟章彰漳张掌涨杖丈帐"
    "账仗胀瘴障招昭找沼赵照罩兆肇召遮折哲蛰辙者锗蔗这浙珍斟真甄砧臻贞针侦枕疹诊震振镇"
    "阵蒸挣睁征狰争怔整拯正政帧症郑证芝枝支吱蜘知肢脂汁之织职直植殖执值侄址指止趾只旨"
    "纸志挚掷至致置帜峙制智秩稚质炙痔滞治窒中盅忠钟衷终种肿重仲众舟周州洲诌粥轴肘帚咒"
    "皱宙昼骤珠株蛛朱猪诸诛逐竹烛煮拄瞩嘱主著柱助蛀贮铸筑住注祝驻抓爪拽专砖转撰赚篆桩"
    "庄装妆撞壮状椎锥追赘坠缀谆准捉拙卓桌琢茁酌啄着灼浊兹咨资姿滋淄孜紫仔籽滓子自渍字"
    "鬃棕踪宗综总纵邹走奏揍租足卒族祖诅阻组钻纂嘴醉最罪尊遵昨左佐柞做作坐座";

// Splits UTF-8 into code points' byte strings.
std::vector<std::string> utf8_chars(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

// The common Han characters in a fixed pseudo-random order (the table is sorted by reading, text
// is not), in lines of 30 with punctuation, like running text.
std::string cjk_text() {
  std::vector<std::string> chars = utf8_chars(kCommonHan);
  std::mt19937 rng(2024);
  std::shuffle(chars.begin(), chars.end(), rng);
  std::string out;
  for (size_t i = 0; i < chars.size(); ++i) {
    out += chars[i];
    if (i % 30 == 29)
      out += "\u3002\n";
    else if (i % 11 == 10)
      out += "\uff0c";
  }
  return out;
}

struct GlyphSetSpec {
  std::string name;
  std::vector<std::string> fonts;  // Pango font families / styles
  std::vector<int> sizes;          // px
  std::string text;
};

// Lays out every (font, size) of the set and rasterizes each distinct glyph once, in text order,
// until `enough_area` pixels of glyph boxes are collected (a page needs far fewer than the full
// set).
Result<std::vector<Box>> collect_boxes(const GlyphSetSpec& spec, size_t enough_area,
                                       size_t* unique_glyphs) {
  text::FontRegistry registry;
  GS_ASSIGN_OR_RETURN(std::unique_ptr<text::Layouter> layouter, text::Layouter::create(&registry));
  text::Rasterizer rasterizer(&registry);
  std::set<std::tuple<uint32_t, uint32_t, uint32_t, int>> seen;
  std::vector<Box> boxes;
  size_t area = 0;
  for (int size : spec.sizes) {
    for (const std::string& font : spec.fonts) {
      text::LayoutParams params;
      params.font = font + " " + std::to_string(size);
      params.wrap_width = 900;
      GS_ASSIGN_OR_RETURN(text::LayoutResult layout, layouter->layout(spec.text, params));
      for (const text::ShapedGlyph& g : layout.glyphs) {
        // Sub-pixel bins as the text system makes them: quarter pixels of the pen position.
        const float x = g.x;
        int bin = int(std::lround((x - std::floor(x)) * 4.0f)) % 4;
        if (g.is_color_font) bin = 0;
        if (!seen.insert({g.face, g.glyph_id, g.size_26_6, bin}).second) continue;
        auto bitmap = rasterizer.rasterize(
            {g.face, g.glyph_id, g.size_26_6, uint8_t(bin), g.angle_bin, g.render});
        if (!bitmap.ok() || bitmap->width <= 0 || bitmap->height <= 0) continue;
        if (bitmap->format != PixelFormat::kCoverage8) continue;  // colour glyphs: other pages
        boxes.push_back({bitmap->width, bitmap->height});
        area += size_t(bitmap->width) * size_t(bitmap->height);
        if (area >= enough_area) {
          *unique_glyphs = boxes.size();
          return boxes;
        }
      }
    }
  }
  *unique_glyphs = boxes.size();
  if (boxes.empty()) return Status(ErrorCode::kFontNotFound, "no glyphs for set " + spec.name);
  return boxes;
}

struct Run {
  double occupancy = 0;
  size_t placed = 0;
  int passes = 1;
  Box refused;
  std::vector<double> ns;  // per allocation, the first (page creation) excluded
  // Per allocation, the fastest of kRepeats runs of the same sequence on fresh packers: the
  // packer's own cost with the machine's noise (preemption, interrupts) taken out.
  std::vector<double> intrinsic_ns;
  double first_ns = 0;
  double batch_mean_ns = 0;
};

// The sequence fed to a packer: the set in text order, then shuffled repeats.
class Feed {
 public:
  explicit Feed(const std::vector<Box>& boxes) : boxes_(boxes), order_(boxes) {}
  const Box& next() {
    if (i_ == order_.size()) {
      order_ = boxes_;
      std::shuffle(order_.begin(), order_.end(), rng_);
      i_ = 0;
      ++passes_;
    }
    return order_[i_++];
  }
  int passes() const { return passes_; }

 private:
  const std::vector<Box>& boxes_;
  std::vector<Box> order_;
  size_t i_ = 0;
  int passes_ = 1;
  std::mt19937 rng_{7};
};

atlas::AtlasConfig one_page(int page_size) {
  atlas::AtlasConfig c;
  c.page_width = page_size;
  c.page_initial_height = page_size;
  c.page_max_height = page_size;
  c.memory_budget_bytes = size_t(page_size) * size_t(page_size);  // exactly one R8 page
  return c;
}

constexpr int kRepeats = 5;

// Places boxes until the first refusal; `place` returns false on refusal. Timed per call, the
// same sequence repeated on fresh packers (packers are deterministic: each call does the same
// work every time), then timed as one batch (no clock overhead in the mean).
template <typename MakePacker, typename Place>
Run measure(const std::vector<Box>& boxes, MakePacker make, Place place, int page_size) {
  Run run;
  std::vector<Box> sequence;
  {
    auto packer = make();
    Feed feed(boxes);
    for (;;) {
      const Box& b = feed.next();
      const auto t0 = Clock::now();
      const bool ok = place(*packer, b);
      const double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
      if (sequence.empty()) {
        run.first_ns = ns;
      } else {
        run.ns.push_back(ns);
      }
      sequence.push_back(b);
      if (!ok) {
        run.refused = b;
        break;
      }
      ++run.placed;
    }
    run.passes = feed.passes();
    run.occupancy = double(packer->used_area()) / (double(page_size) * double(page_size));
  }
  run.intrinsic_ns = run.ns;
  for (int rep = 1; rep < kRepeats; ++rep) {
    auto packer = make();
    place(*packer, sequence.front());
    for (size_t i = 1; i < sequence.size(); ++i) {
      const auto t0 = Clock::now();
      place(*packer, sequence[i]);
      const double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
      run.intrinsic_ns[i - 1] = std::min(run.intrinsic_ns[i - 1], ns);
    }
  }
  auto packer = make();
  place(*packer, sequence.front());  // opens the page outside the batch
  const auto t0 = Clock::now();
  for (size_t i = 1; i < sequence.size(); ++i) place(*packer, sequence[i]);
  run.batch_mean_ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() /
                      double(std::max<size_t>(1, sequence.size() - 1));
  return run;
}

struct AtlasPacker {
  explicit AtlasPacker(int page_size) : atlas(one_page(page_size)) {}
  size_t used_area() const { return atlas.counters().used_area; }
  atlas::Atlas atlas;
};

nlohmann::json row(const std::string& set, const char* packer, const Run& r, int page_size,
                   size_t unique_glyphs) {
  nlohmann::json j;
  j["glyph_set"] = set;
  j["packer"] = packer;
  j["page_size"] = page_size;
  j["occupancy"] = std::round(r.occupancy * 10000.0) / 10000.0;
  j["glyphs_placed"] = r.placed;
  j["unique_glyphs"] = unique_glyphs;
  j["passes"] = r.passes;
  j["first_refused"] = {{"w", r.refused.w}, {"h", r.refused.h}};
  j["alloc_ns_median"] = percentile(r.ns, 0.5);
  j["alloc_ns_p99"] = percentile(r.ns, 0.99);
  j["alloc_ns_max"] = r.ns.empty() ? 0.0 : *std::max_element(r.ns.begin(), r.ns.end());
  j["alloc_ns_max_intrinsic"] =
      r.intrinsic_ns.empty() ? 0.0
                             : *std::max_element(r.intrinsic_ns.begin(), r.intrinsic_ns.end());
  j["alloc_over_5us"] = std::count_if(r.ns.begin(), r.ns.end(), [](double v) { return v > 5000; });
  j["alloc_over_5us_intrinsic"] = std::count_if(r.intrinsic_ns.begin(), r.intrinsic_ns.end(),
                                                [](double v) { return v > 5000; });
  j["alloc_ns_mean_batch"] = std::round(r.batch_mean_ns * 10.0) / 10.0;
  j["first_alloc_ns"] = r.first_ns;  // opens the page (zeroes its image): not in the stats
  j["timing"] =
      "steady_clock around each call (includes ~20 ns clock overhead); first excluded; "
      "_intrinsic: per call the fastest of 5 runs of the same sequence";
  return j;
}

}  // namespace

Result<nlohmann::json> run_packing_workload(const PackingOptions& options) {
  const int page = options.page_size;
  if (page < 64 || page > 8192)
    return Status(ErrorCode::kInvalidArgument, "page size must be 64..8192");
  std::vector<GlyphSetSpec> specs = {
      {"latin-ui", {"DejaVu Sans", "DejaVu Sans Bold"}, {12, 13, 14, 15, 16}, kLatinUi},
      {"mixed-scripts", {"Sans"}, {12, 16, 20, 24, 32, 48}, kMixedScripts},
      {"cjk", {"WenQuanYi Micro Hei"}, {14, 16, 20, 24, 32}, cjk_text()},
  };
  if (options.quick) {
    specs[2].sizes = {14, 24, 32};
  }
  // Collecting twice the page area is plenty to reach the first refusal (repeats fill the rest).
  const size_t enough = size_t(page) * size_t(page) * 2;
  nlohmann::json out = nlohmann::json::array();
  for (const GlyphSetSpec& spec : specs) {
    size_t unique = 0;
    GS_ASSIGN_OR_RETURN(std::vector<Box> boxes, collect_boxes(spec, enough, &unique));
    const Run ours = measure(
        boxes, [page] { return std::make_unique<AtlasPacker>(page); },
        [](AtlasPacker& p, const Box& b) {
          return p.atlas.allocate(PixelFormat::kCoverage8, b.w, b.h).status ==
                 atlas::AllocStatus::kOk;
        },
        page);
    const Run ref = measure(
        boxes, [page] { return std::make_unique<baseline::ShelfNextFitPacker>(page, page); },
        [](baseline::ShelfNextFitPacker& p, const Box& b) {
          int x, y;
          return p.allocate(b.w, b.h, &x, &y);
        },
        page);
    out.push_back(row(spec.name, "glyphstream", ours, page, unique));
    out.push_back(row(spec.name, "shelf-next-fit", ref, page, unique));
  }
  return out;
}

}  // namespace glyphstream::bench
