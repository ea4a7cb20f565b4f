"""HTML for the demo site: three unrelated page styles, each with the furniture the seeds show.

The styles differ on purpose (a CmsTop-like provincial paper with an e-paper variant, a county
portal, an English local paper): an extractor that only works on one template must fail here,
not in production. Everything returned is ``str``; encoding to bytes is the site's job, because
the GBK site has to be encoded differently from the others.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from article_etl.demo.catalog import DemoArticle, DemoSource

XIJIANG_HOT = [
    "肇庆市区新增三条夜间公交线路",
    "鼎湖山景区冬季开放时间调整",
    "高要区农产品展销会本周末开幕",
    "四会玉器街改造工程完成过半",
    "广宁竹海徒步线路上新",
]
LUOYANG_RANKING = [
    "沉浸式看展、穿越式夜游……洛阳热门景区多项活动...",
    "“五一”来洛阳,感受古都魅力体验诗意旅居",
    "院士加持!36项零碳动力技术成果在洛发布",
    "洛阳对网约车车辆有哪些要求?市交通局回复",
    "吃洛阳 满口鲜(五月相约浪漫洛阳)",
]
LUOYANG_COUNTY_RANKING = [
    "嵩县:实施坡改梯坝拦泥 扮靓乡村振兴底色",
    "孟津区:桐花烂漫 景色如画【组图】",
    "西工区:樱桃红了致富路【组图】",
    "汝阳县柏树乡:科学育苗助生产 水果红薯种植忙",
]


def _e(text: str) -> str:
    return escape(text, quote=False)


def _a(text: str) -> str:
    return escape(text, quote=True)


def zh_date(when: datetime) -> str:
    """``2026年11月18日 09:50``: how the Chinese sites print a local time."""
    return f"{when.year}年{when.month:02d}月{when.day:02d}日 {when.hour:02d}:{when.minute:02d}"


def en_date(when: datetime) -> str:
    """``Nov. 18, 2026, 9:15 a.m. EST``: AP style, as the English site prints a local time."""
    hour = when.hour % 12 or 12
    ampm = "a.m." if when.hour < 12 else "p.m."
    return f"{when:%b}. {when.day}, {when.year}, {hour}:{when.minute:02d} {ampm} {when.tzname()}"


def metadata(art: DemoArticle, site_name: str) -> str:
    """OpenGraph and/or JSON-LD head tags, as far as the article says its page carries them."""
    out: list[str] = []
    when = art.local_published.isoformat()
    if "og" in art.meta:
        out.append(f'<meta property="og:site_name" content="{_a(site_name)}">')
        out.append('<meta property="og:type" content="article">')
        if art.title:
            out.append(f'<meta property="og:title" content="{_a(art.title)}">')
        out.append(f'<meta property="article:published_time" content="{when}">')
        if art.author:
            out.append(f'<meta property="article:author" content="{_a(art.author)}">')
    if "jsonld" in art.meta:
        data: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "datePublished": when,
            "publisher": {"@type": "Organization", "name": site_name},
        }
        if art.title:
            data["headline"] = art.title
        if art.author:
            # Chinese bylines separate names by spaces; English ones by commas.
            sep = "," if art.source.lang == "en" else None
            names = [n.strip() for n in art.author.split(sep)]
            data["author"] = [{"@type": "Person", "name": n} for n in names]
        blob = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        out.append(f'<script type="application/ld+json">{blob}</script>')
    return "\n".join(out)


def _paragraphs(art: DemoArticle, indent: str = "") -> str:
    return "\n".join(f"<p>{indent}{_e(p)}</p>" for p in art.paragraphs)


# ---------------------------------------------------------------- xijiang: CmsTop-like paper


def _xijiang_frame(src: DemoSource, title_tag: str, head: str, main: str) -> str:
    hot = "".join(f'<li><a href="/xijiang/">{_e(t)}</a></li>' for t in XIJIANG_HOT)
    title_html = f"<title>{_e(title_tag)}</title>" if title_tag else ""
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={src.declared_charset}" />
{title_html}
<meta name="keywords" content="西江网,西江日报,肇庆新闻" />
{head}
<link rel="stylesheet" type="text/css" href="/xijiang/css/article.css" />
</head>
<body>
<div id="topbar"><a href="/xijiang/">西江网首页</a> | <a href="/xijiang/">新闻</a> | <a href="/xijiang/">数字报</a> | <a href="/xijiang/">视频</a> | <a href="/xijiang/">西江号</a></div>
<div id="nav"><a href="/xijiang/">首页</a> <a href="/xijiang/">肇庆</a> <a href="/xijiang/">端州</a> <a href="/xijiang/">鼎湖</a> <a href="/xijiang/">高要</a> <a href="/xijiang/">四会</a> <a href="/xijiang/">广宁</a> <a href="/xijiang/">德庆</a> <a href="/xijiang/">封开</a> <a href="/xijiang/">怀集</a></div>
<div id="wrap">
{main}
<div id="sidebar"><h3>热点新闻</h3><ul>{hot}</ul></div>
</div>
<div id="copyright">
<h4>西江日报、西江网版权与免责声明</h4>
<p>1. 凡本网“西江日报”电子报,以及注明来源“西江日报”、“西江网”的所有文字、图片、视频及多媒体形式的新闻、信息版权均属西江网所有。凡是未经书面授权,不得以任何形式转载、链接、转贴、编辑或其它方式发布。</p>
<p>2. 本网未注明“来源:西江网”或“来源:西江日报”的作品信息均为转载稿,本网转载并不意味着认同其观点或真实性。</p>
<p>3. 如本网发布或转载内容涉及名誉权等问题,请尽快与本网联系。</p>
<p>联系人:罗小姐、陈先生(电话:0758—2722284)</p>
</div>
<div id="footer">
<p><a href="/xijiang/">关于我们</a>| 广告服务| 版权声明| 联系我们| 友情链接| 事业单位</p>
<p>粤ICP备09102757号| 网络出版服务许可证| 新闻信息服务许可证| 信息网络传播视听节目许可证</p>
<p>本网站由肇庆市融媒集团有限公司(西江网版权所有),未经授权禁止复制或者建立镜像 Powered by CmsTop</p>
</div>
</body>
</html>
"""


def xijiang_news(art: DemoArticle, src: DemoSource) -> str:
    """A news page: share bar above the story, byline as a loose line, disclaimer and ICP below."""
    title = art.title or ""
    summary = f'<div class="summary"><b>核心提示:</b> {_e(art.summary)}</div>' if art.summary else ""
    byline = f'<p class="author">{_e(art.byline)}</p>' if art.byline else ""
    main = f"""<div id="article">
<div class="crumb"><a href="/xijiang/">西江网</a> &gt; <a href="/xijiang/">{_e(art.section)}</a></div>
<h1 class="title">{_e(title)}</h1>
<div class="info"><span class="time">{zh_date(art.local_published)}</span> <span class="source">来源:西江日报</span></div>
<div class="share">分享到 <a href="#">微信</a> <a href="#">微博</a> <span class="num">0</span>
<div class="wx-layer">分享到-微信 <a class="close" href="#">X</a></div></div>
{summary}
{byline}
<div class="content" id="content">
{_paragraphs(art)}
</div>
<div class="editor">责任编辑:陈晓</div>
</div>"""
    return _xijiang_frame(src, f"{title}_西江网" if art.title else "", metadata(art, src.name), main)


def xijiang_epaper(art: DemoArticle, src: DemoSource, others: list[str]) -> str:
    """An e-paper page: page navigation, overline/title/subtitle stack, the page's other stories."""
    title = art.title or ""
    others_html = "".join(f'<li><a href="/xijiang/">{_e(t)}</a></li>' for t in others)
    main = f"""<div id="epaper">
<div class="paper-head">西江日报数字报 {art.local_published.year}年{art.local_published.month:02d}月{art.local_published.day:02d}日 {_e(art.section)}
<a href="/xijiang/">上一版</a> <a href="/xijiang/">下一版</a> <a href="/xijiang/">版面导航</a></div>
<div class="article">
<div class="yinti">{_e(art.overline or "")}</div>
<h1>{_e(title)}</h1>
<h2 class="futi">{_e(art.subtitle or "")}</h2>
<div class="date">发布时间:{zh_date(art.local_published)}</div>
<p class="author">{_e(art.byline or "")}</p>
<div class="content">
{_paragraphs(art)}
</div>
</div>
<div class="other"><h3>本版其他稿件</h3><ul>{others_html}</ul></div>
</div>"""
    return _xijiang_frame(src, f"{title}-西江日报数字报" if art.title else "", metadata(art, src.name), main)


# ---------------------------------------------------------------- luoyang: county portal


def luoyang_county(art: DemoArticle, src: DemoSource) -> str:
    """A county-channel page: byline and date inside the breadcrumb line, indented paragraphs."""
    ranking = "".join(f"<li>• {_e(t)}</li>" for t in LUOYANG_RANKING)
    county_ranking = "".join(f"<li>• {_e(t)}</li>" for t in LUOYANG_COUNTY_RANKING)
    title_tag = f"<title>{_e(art.title)}_{_e(art.section)}_洛阳网</title>" if art.title else ""
    h1 = f"<h1>{_e(art.title)}</h1>" if art.title else ""
    byline = f'<span class="author">{_e(art.byline)}</span>&nbsp;&nbsp;' if art.byline else ""
    # Full-width spaces indent each paragraph, as on the real portal (seed 003).
    body = _paragraphs(art, indent="\u3000\u3000")
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
{title_tag}
{metadata(art, src.name)}
</head>
<body>
<div class="top-nav"><a href="/luoyang/">洛阳网首页</a> 新闻 县区 百姓呼声 电子报 网站投稿 洛阳社区</div>
<div class="county-nav">偃师 | 孟津 | 新安 | 栾川 | 嵩县 | 汝阳 | 伊川 | 宜阳 | 洛宁 | 洛龙 | 西工 | 涧西 | 伊滨 | 吉利 | 老城 | 瀍河</div>
<div class="main">
{h1}
<div class="position">您当前位置: <a href="/luoyang/">洛阳网</a> &gt;&gt; <a href="/luoyang/">县区频道</a> &gt;&gt; <a href="/luoyang/">{_e(art.section)}</a> &gt;&gt; 正文 &nbsp; {byline}<span class="time">{zh_date(art.local_published)}</span></div>
<div class="text">
{body}
</div>
</div>
<div class="right">
<div class="box"><h3>百姓呼声·</h3><h3>精彩图片·{_e(art.section)}</h3></div>
<div class="box"><h3>新闻排行</h3><ul>{ranking}</ul></div>
<div class="box"><h3>县区新闻排行</h3><ul>{county_ranking}</ul></div>
<div class="box">诚邀通讯员 报道身边事</div>
</div>
<div class="login">
<form>县区频道登录 用户名: <input name="u"> 密码: <input name="p" type="password"> 验证码: <input name="c"> 验证码,看不清楚?请点击刷新验证码</form>
<ul><li>账号+密码登录</li><li>手机+密码登录</li><li>还没有账号?</li><li><a href="/luoyang/">立即注册</a></li></ul>
</div>
<div class="footer">
<p>互联网新闻信息服务许可证 编号:4112012002 信息网络传播视听节目许可证 编号:1608238 增值电信业务经营许可证 编号:豫B2—20060064</p>
<p>网络服务:(0379)65233606 65233616 业务咨询:(0379)65233618 传真:(0379)65233529 不良信息举报电话:(0379)65233605</p>
<p>地址:洛阳新区开元大道218号 报业大厦22层 邮编:471023</p>
</div>
</body>
</html>
"""


# ---------------------------------------------------------------- harbor: English local paper


def harbor_story(art: DemoArticle, src: DemoSource, related: list[tuple[str, str]]) -> str:
    """A story page: cookie banner, byline and <time>, newsletter box and related stories."""
    title = art.title or ""
    related_html = "".join(f'<li><a href="{_a(path)}">{_e(t)}</a></li>' for path, t in related)
    dek = f'<p class="dek">{_e(art.summary)}</p>' if art.summary else ""
    byline = f'<span class="byline">{_e(art.byline)}</span> · ' if art.byline else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)} | {_e(src.name)}</title>
{metadata(art, src.name)}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="masthead"><a href="/harbor/">{_e(src.name)}</a>
<nav><a href="/harbor/">Home</a> <a href="/harbor/">News</a> <a href="/harbor/">Waterfront</a> <a href="/harbor/">Schools</a> <a href="/harbor/">Business</a> <a href="/harbor/">Opinion</a> <a href="/harbor/">Subscribe</a></nav></header>
<div class="cookie-banner" role="dialog"><p>We use cookies to improve your experience and to show you relevant ads.</p><button>Accept cookies</button> <a href="/harbor/">Manage preferences</a></div>
<main id="main">
<article>
<p class="kicker"><a href="/harbor/">{_e(art.section)}</a></p>
<h1 class="headline">{_e(title)}</h1>
{dek}
<div class="meta">{byline}<time datetime="{art.local_published.isoformat()}">{en_date(art.local_published)}</time></div>
<div class="article-body">
{_paragraphs(art)}
</div>
</article>
<aside class="newsletter"><h2>Sign up for our newsletter</h2><p>The morning briefing from the waterfront, in your inbox by 7 a.m.</p>
<form><input type="email" placeholder="Email address"><button>Subscribe</button></form></aside>
<section class="related"><h2>Related stories</h2><ul>{related_html}</ul></section>
</main>
<footer><p>© 2026 {_e(src.name)}. All rights reserved.</p><p><a href="/harbor/">About</a> · <a href="/harbor/">Contact</a> · <a href="/harbor/">Privacy</a> · <a href="/harbor/">Terms</a></p></footer>
</body>
</html>
"""


# ---------------------------------------------------------------- index and error pages


def index_page(title: str, charset: str, links: list[tuple[str, str]]) -> str:
    """A plain list of links: enough for a person to click through the demo in a browser."""
    items = "\n".join(f'<li><a href="{_a(path)}">{_e(text)}</a></li>' for path, text in links)
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{_e(title)}</title></head>
<body><h1>{_e(title)}</h1><ul>
{items}
</ul></body></html>
"""


def not_found_page(lang: str, charset: str) -> str:
    """The error page a missing article gets: a real site's 404 also carries a body."""
    if lang == "zh":
        heading, text = "404 页面不存在", "对不起,您访问的页面不存在或已被删除。"
    else:
        heading, text = "404 Not Found", "Sorry, we could not find that page."
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{_e(heading)}</title></head>
<body><h1>{_e(heading)}</h1><p>{_e(text)}</p></body></html>
"""
