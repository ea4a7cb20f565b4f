"""Does a string look like a person's or a news agency's name? Precision first: when unsure, no.

A wrong author in the warehouse is worse than none, and real pages offer plenty of wrong ones:
sentence fragments that follow a role word in prose (``接受记者采访时称`` -> ``采访时称``), section
titles (``最新文章``), the site's own name (``网易``, ``Stuttgarter Zeitung``), placeholders
(``Staff``, ``admin``). No list of given names is needed to refuse these: the *shape* of a name
is enough. A Chinese personal name is a common surname (a short, fixed set: the few hundred
surnames that cover nearly everyone) followed by one or two given-name characters that are not
function words; a Latin/Cyrillic name is two to five capitalised words with no function or role
words. News agencies are a short closed list, so they are named here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _words(text: str) -> frozenset[str]:
    """A set of words written one after another, as the word lists below are."""
    return frozenset(text.split())


def _phrases(text: str) -> frozenset[str]:
    """A set of phrases (which may hold spaces) separated by "|"."""
    return frozenset(phrase.strip() for phrase in text.split("|")) - {""}


# The common single-character surnames (simplified and traditional). Characters that are far
# more often a function word than a surname (和, 时, 都, 但, 由, 来, 於, 那, 相, 信) are left out.
_SURNAMES_1 = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万"
    "钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝"
    "包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾"
    "尤阳穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师"
    "仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储栗燕楚鄢劳谌"
    "奚皮粟冼蔺楼盘满闻厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋门云容"
    "敬扈晁芮普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况宿鲜印逯隆茹诸战慕危玉银亢嵇公湛宾戎勾茅"
    "利呼居揭干尉冶斯元束檀衣展阴昝智幸奉植衡富尧闭晏"
    # traditional forms
    "張劉陳楊黃趙吳孫馬鄭謝許韓馮鄧蕭葉蘇呂盧鍾譚陸賈韋鄒閆龍賀顧龔萬錢嚴湯溫齊喬龐顏莊聶魯寧紀"
    "畢單塗駱藍靳鮑華饒繆簡車項連蘆麥婁竇黨宮費衛應臧閔鄔邊師欒隋榮叢鞏遲鄺談荊樂儲鄢勞諶藺樓盤"
    "滿聞厲區闞權強帥樸蓋練豐計晉門雲闕烏裘況鮮戰銀賓陰堯閉"
)
_SURNAMES_2 = _words(
    """
    欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤
    南宫 西门 百里 呼延 澹台 万俟 闻人 申屠 歐陽 司馬 諸葛 東方 長孫 軒轅 獨孤 南宮 西門
    """
)
# Characters that make a Han string a phrase, not a given name: particles, pronouns, verbs of
# saying and seeing, time words, and the words of section titles and organisation names.
# Characters common in given names (月, 和, 登, 源, 新, 文, 群) are deliberately not here.
_NOT_IN_NAME = frozenset(
    "的了着过是在有与及或说称到时对被把将从等们这那么吗呢吧啊也都就还又很最更个每各其该此"
    "年日号报讯网站社台刊部处局厅委办院校所室组队区县市省镇乡村街记者编辑讯电稿摄图"
    "称表示认为指出注意查看访问题调须知闻观点评论推荐热相关录注册来责任"
    "經歷過這們還說對時記編輯網報稱與"
)
_HAN = "\u4e00-\u9fff"
_HAN_NAME = re.compile(rf"[{_HAN}]{{2,4}}")
# Transliterated minority and foreign names: parts joined with "·" (阿不都·热合曼).
_HAN_DOTTED = re.compile(rf"[{_HAN}]{{1,6}}(?:[·•・][{_HAN}]{{1,6}}){{1,3}}")
_JA_NAME = re.compile(rf"([{_HAN}]{{1,3}})[ \u3000]([{_HAN}\u3040-\u30ff]{{1,4}})")
_HANGUL_NAME = re.compile(r"[\uac00-\ud7a3]{2,4}")
_WORD_NAME = re.compile(r"[^\W\d_][^\W\d_'’.-]*(?:[-'’.][^\W\d_]*)*\.?")
# Lower-case particles inside names (Ludwig van Beethoven, Ursula von der Leyen, Ana de Armas).
_PARTICLES = _words(
    """
    von van der den de del della di da das do dos du la le ten ter zu bin ibn al el y e
    """
)
# Articles that are never a capitalised part of a name.
_ARTICLES = frozenset(["der", "die", "das", "den", "dem", "des", "ein", "eine", "the"])
# Words that make a capitalised run a title, a role, an organisation or a sentence.
_NOT_NAME_WORDS = _words(
    """
    the a an of and for with from in on at to by or not is are was were be this that our your
    staff editor editors editorial reporter reporters writer writers correspondent contributor
    columnist bureau desk team newsroom news media online digital press redaktion redakteur
    autor author authors from said autorin autoren zeitung nachrichten magazin verlag agentur ag
    gmbh inc ltd llc group times post daily weekly journal tribune herald gazette radio tv
    television network channel service services admin administrator anonymous guest unknown
    webmaster home login read more comments comment share follow updated published posted photo
    photos image images video opinion analysis sport sports politics business world local
    international latest related la le les du des et par pour sur avec und mit für über nach bei
    twitter facebook instagram linkedin youtube tiktok whatsapp telegram pinterest reddit xing
    threads bluesky mastodon email e-mail mail print rss
    aus der die das ein eine
    """
)
# News agencies: the organisations whose name *is* an author when a page credits it.
AGENCIES = _phrases(
    """
    reuters|ap|associated press|the associated press|afp|agence france-presse|dpa|sid|
    deutsche presse-agentur|kna|epd|sda|keystone-sda|apa|ansa|efe|europa press|bloomberg|
    kyodo|kyodo news|yonhap|xinhua|xinhua news agency|pa|pa media|upi|aap|the canadian press|
    anadolu|anadolu ajansı|tass|ria novosti|interfax|тасс|риа новости|интерфакс|
    新华社|新華社|中新社|中国新闻社|中國新聞社|中央社|共同通信|時事通信|연합뉴스|뉴시스
    """
)
# Placeholders that name nobody.
_PLACEHOLDERS = _words(
    """
    admin administrator root guest anonymous unknown staff editor system webmaster
    管理员 游客 匿名 网友 小编 编辑部 本站 本网 楼主 作者 佚名 未知 匿名用户
    """
)
# Portals whose name turns up in author fields of pages they syndicate.
_PORTALS = _words(
    """
    网易 新浪 搜狐 腾讯 凤凰网 今日头条 百度 网易新闻 新浪新闻 腾讯新闻 搜狐新闻 澎湃新闻
    """
)
_ORG_SUFFIX = re.compile(
    r"(?:网|網|报|報|社|台|站|刊|中心|集团|公司|频道|頻道|网络|網絡|论坛|論壇|日报|晚报|新闻|新聞|传媒|媒体)$"
)
# Words of menus and section titles, never in a handle a poster chose ("更多文章", "Read more").
_SECTION_WORDS = re.compile(
    r"文章|观点|觀點|推荐|推薦|更多|最新|相关|相關|热门|熱門|首页|首頁|专栏|專欄|频道|頻道|评论|評論|登录|登錄|注册|註冊"
    r"|查看|全部|作者|\b(?:more|all|posts|articles|home|login|register|profile)\b",
    re.IGNORECASE,
)
_MAX_NAME = 60
# The roles among the job-title words below: a title ends in one of these.
_ROLE_NOUNS = _words(
    """
    reporter reporters correspondent correspondents editor editors writer writers journalist
    journalists columnist contributor photographer producer presenter anchor analyst critic
    redakteur redakteurin redakteure journalistin korrespondent korrespondentin autor autorin
    volontär volontärin chefredakteur chefredakteurin reporterin fotograf fotografin
    journaliste rédacteur rédactrice correspondant correspondante envoyé envoyée
    periodista redactor redactora corresponsal
    """
)


def is_agency(name: str) -> bool:
    """Whether ``name`` is a news agency (``Reuters``, ``dpa``, ``新华社``), case-insensitively."""
    return name.strip().casefold() in AGENCIES


def is_han_name(name: str) -> bool:
    """A Chinese personal name: a common surname and a given name of one or two non-word characters.

    ``王永强``, ``欧阳娜娜``, ``阿不都·热合曼`` are; ``采访时称``, ``最新文章``, ``网易``, ``大汉网络`` are not.
    """
    if _HAN_DOTTED.fullmatch(name):  # transliterations use 都, 不, 提…: only particles are refused
        return not any(c in "的了着过是在说称到时对被把将这那们" for c in name) and len(name) <= 16
    if not _HAN_NAME.fullmatch(name) or _ORG_SUFFIX.search(name):
        return False
    if name[:2] in _SURNAMES_2 and len(name) >= 3:
        given = name[2:]
    elif name[0] in _SURNAMES_1 and len(name) <= 3:
        given = name[1:]
    else:
        return False
    return not any(c in _NOT_IN_NAME for c in given)


def is_japanese_name(name: str) -> bool:
    """A Japanese name as Japanese pages print it, family and given name apart: ``大渡 美咲``.

    Two Han names apart (``张三 李四``) are a Chinese list of two people, not this.
    """
    match = _JA_NAME.fullmatch(name)
    if not match or any(c in _NOT_IN_NAME for c in name):
        return False
    return not (is_han_name(match.group(1)) and is_han_name(match.group(2)))


# A Japanese author field's name written without a space (``松岡大地``): only kanji, 2-5 of them.
_JA_UNSPACED = re.compile(rf"[{_HAN}]{{2,5}}")
# Words of a Japanese newspaper's or desk's name rather than a person's.
_JA_ORG_WORDS = re.compile(r"新聞|編集|記者|通信|放送|電子|報道|部$|局$|社$|版$")


def is_japanese_name_unspaced(name: str) -> bool:
    """A Japanese personal name as author fields of Japanese pages write it: ``松岡大地``.

    Family and given name are not apart, so only the shape is left: 2-5 kanji with none of the
    particles and section characters of ``_NOT_IN_NAME`` and no newspaper or desk word. Only
    for pages in Japanese, and only in a field that says "author": in Chinese text the same
    shape is any word.
    """
    return (
        bool(_JA_UNSPACED.fullmatch(name))
        and not any(c in _NOT_IN_NAME for c in name)
        and not _ORG_SUFFIX.search(name)
        and not _JA_ORG_WORDS.search(name)
    )


def is_hangul_name(name: str) -> bool:
    """A Korean personal name: two to four Hangul syllables (구현모)."""
    return bool(_HANGUL_NAME.fullmatch(name))


def is_word_name(name: str) -> bool:
    """A name written in words (Latin, Cyrillic, Greek...): 2-5 capitalised words, no function words.

    ``Jane Doe``, ``Ursula von der Leyen``, ``J. R. Smith``, ``Андрей Колесников`` are; ``Staff``,
    ``LTO``, ``Stuttgarter Zeitung``, ``Berlin aus``, ``Read more`` are not. A single word is
    refused: it is a site, a section or a handle far more often than a person.
    """
    words = name.split()
    if not 2 <= len(words) <= 5 or len(name) > _MAX_NAME:
        return False
    capitalised = 0
    previous = ""
    for word in words:
        if not _WORD_NAME.fullmatch(word):
            return False
        initial = len(word.rstrip(".")) == 1  # "Miguel A. Herguedas": an initial, not the article "a"
        if not initial and word.casefold().strip(".") in _NOT_NAME_WORDS - _PARTICLES:
            return False
        if word[0].isupper():
            if word.casefold() in _ARTICLES and previous.casefold() not in _PARTICLES:
                return False  # "Von Anfang Der …" is a sentence; "Van Der Fort" a name
            capitalised += 1
        elif word not in _PARTICLES:
            return False
        previous = word
    # A name does not end in an initial ("Ilanga D" is a site's account, not a person).
    return (
        capitalised >= 2
        and words[0][0].isupper()
        and words[-1][0].isupper()
        and len(words[-1].rstrip(".")) > 1
    )


def _site_key(text: str) -> str:
    text = re.sub(r"^(?:https?://)?(?:www\.)?", "", text.casefold())
    text = re.sub(r"\.(?:com|cn|net|org|de|co|uk|gov|edu|at|ch|fr|jp|kr|tw|hk|info|news)\b", "", text)
    return re.sub(r"[\s._\-–—|·:：]+", "", text)


def is_prose(text: str) -> bool:
    """Whether a Latin-script fragment reads as a sentence: three or more lower-case words.

    Credits hold names and the odd lower-case particle (``von der``); prose holds verbs.
    """
    lower = [
        w for w in text.split() if w[:1].islower() and w not in _PARTICLES and re.fullmatch(r"[^\W\d_]+", w)
    ]
    return len(lower) >= 3


# Job titles printed after a name ("Jane Doe, Senior Reporter", "Max Mustermann (Redakteur)"):
# the roles and the words that qualify them. A run of these is a title, never part of a name.
_JOB_WORDS = _words(
    """
    reporter reporters correspondent correspondents editor editors writer writers journalist
    journalists columnist contributor photographer producer presenter anchor analyst critic
    redakteur redakteurin redakteure journalistin korrespondent korrespondentin autor autorin
    volontär volontärin chefredakteur chefredakteurin reporterin fotograf fotografin
    journaliste rédacteur rédactrice correspondant correspondante envoyé envoyée spécial spéciale
    periodista redactor redactora corresponsal
    senior chief deputy associate assistant contributing special staff managing executive head
    lead political foreign sports business economics science health investigative national
    international digital local news
    """
)


def strip_job_title(name: str) -> str:
    """``Jane Doe Senior Reporter`` -> ``Jane Doe``: a trailing run of job-title words is dropped
    when it ends in a role and at least two words are left; anything else is returned as is."""
    words = name.split()
    end = len(words)
    while end > 2 and words[end - 1].casefold().strip(".,") in _JOB_WORDS:
        end -= 1
    if end == len(words) or words[-1].casefold().strip(".,") not in _ROLE_NOUNS:
        return name
    return " ".join(words[:end])


def is_job_title(text: str) -> bool:
    """Whether ``text`` is only a job title (``Senior Reporter``, ``Redakteurin``, ``envoyé spécial``)."""
    words = [w.casefold().strip(".,") for w in text.split()]
    return (
        bool(words)
        and all(w in _JOB_WORDS for w in words)
        and words[-1] in _ROLE_NOUNS | {"spécial", "spéciale"}
    )


def is_site_name(name: str, sites: Iterable[str]) -> bool:
    """Whether ``name`` is the site's own name or host (``LTO`` on lto.de, ``MDR THÜRINGEN`` on MDR).

    Latin names are compared word by word (a site called "LTO" says nothing about "Walton
    Smith"); Han names by containment (``网易新闻`` is ``网易``), since they have no spaces.
    """
    key = _site_key(name)
    if not key:
        return True
    if name.strip() in _PORTALS:
        return True
    words = {_site_key(w) for w in name.split()} - {""}
    han = bool(re.search(f"[{_HAN}]", name))
    for site in sites:
        site_key = _site_key(site)
        if not site_key:
            continue
        if key == site_key or site_key in words:
            return True
        # "Ilanga D" on "Ilanga News": a distinctive word of the site's name (not "News", "Post").
        site_words = {_site_key(w) for w in site.split()} - {""}
        if any(len(w) >= 4 and w not in _NOT_NAME_WORDS for w in words & site_words):
            return True
        if han and len(key) >= 2 and len(site_key) >= 2 and (key in site_key or site_key in key):
            return True
    return False


def is_placeholder(name: str) -> bool:
    """``admin``, ``Staff``, ``匿名``: a value that stands for no one."""
    return name.strip().casefold() in _PLACEHOLDERS


def is_person_or_agency(name: str, sites: Iterable[str] = ()) -> bool:
    """The test every author name passes before it is loaded (see the module docstring)."""
    name = name.strip()
    if not name or len(name) > _MAX_NAME:  # longer than any name: refused before the site check
        return False
    if is_placeholder(name) or is_site_name(name, sites):
        return False
    if is_agency(name):
        return True
    return is_han_name(name) or is_hangul_name(name) or is_japanese_name(name) or is_word_name(name)


def is_handle(name: str, sites: Iterable[str] = ()) -> bool:
    """A forum or blog poster's handle (``小猪快跑``, ``techguy88``): loose, but never a phrase.

    Only called where the markup says "this is the poster" (Discuz! post headers, rel=author,
    a "发表于" line), so the shape test is weaker than a name's: short, one to three words, no
    URL or e-mail, not a placeholder or the site, and Han handles without phrase characters.
    """
    name = name.strip()
    if (
        not 2 <= len(name) <= 24
        or len(name.split()) > 3
        or re.search(r"[/@:：<>()（）\[\]|,，。！？!?]", name)
    ):
        return False
    if is_placeholder(name) or is_site_name(name, sites) or name.isdigit():
        return False
    han = [c for c in name if "\u4e00" <= c <= "\u9fff"]
    if han and (any(c in "的了是在最个这那们么吗呢吧啊说称" for c in han) or _ORG_SUFFIX.search(name)):
        return False
    if _SECTION_WORDS.search(name) or any(w.casefold() in _NOT_NAME_WORDS for w in name.split()):
        return False  # "更多文章", "israel news", "editorial team"
    return bool(re.search(r"[^\W\d_]", name))
