"""Boilerplate out, title and date kept: a scraped page's text → :class:`~kg.model.Article`.

Scraped news pages wrap the article in navigation, rankings, recommendations, magazine
ads, newsletter prompts, link lists and copyright lines.  :func:`clean` keeps the article
and drops the rest by the *shape* of each line, never by knowing a site's lines:

* a line is kept when it is a full sentence (it ends in 。！？」』) …); a teaser cut
  off with … keeps its complete sentences only; a line cut off mid-sentence keeps its
  complete sentences, and a long one with none (a list item's snippet) is kept whole;
* leads in ``<…>``/``〈…〉`` lose their brackets, bullets (・ ✅ 💡 …) lose their marker;
* a short line without a sentence ending survives only as a lone heading between
  sentences; runs of such lines are navigation or link lists and go;
* nothing before the first full sentence is kept but the title (and list items' titles);
* once the body has begun, a footer marker (a copyright notice, 関連記事, オススメ,
  ランキング, メールマガジン, コメント …) ends it;
* ranking items, teasers ending in …, link lines (【動画】, ※, ▶, さらに読む …), URL-heavy
  lines, photo captions, lines without Japanese, prompts and ads go wherever they stand.

Dates: a line that is only a date (``2024年6月20日(木)11時23分``, ``公開日:2023/10/13``) or a
headline ending in one (``ロシアと北朝鮮2024年06月19日 21:19``) dates the block it heads.
A page with several dated blocks (a list page, a digest) gets one
:class:`~kg.model.Section` per block, titled by the block's headline, which is kept once as
the block's first paragraph.  An ordinary article gets one section, and its title becomes
the first paragraph of the text.  The document date is the first date the page states;
on a list page that is the first item's date (list pages put the newest item first).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, replace

from kg.model import Article, Section

# --- Lexicons: words any Japanese news site uses, never whole lines of one page. ---

# Footer headers: a short line holding one of these, once the body has begun, ends it.
FOOTER_WORDS: tuple[str, ...] = (
    "関連記事", "関連ニュース", "関連リンク", "あわせて読みたい", "合わせて読みたい",
    "おすすめ", "オススメ", "お勧め", "お薦め", "ランキング", "人気記事", "最新記事",
    "よく読まれている", "よく読まれた", "メールマガジン", "メルマガ", "ニュースレター",
    "トラックバック", "前の記事", "次の記事", "この記事をシェア", "この記事を書いた人",
)  # fmt: skip
# Footer headers too common as words to look for inside a line: they must be the line.
FOOTER_LINES: frozenset[str] = frozenset(
    {"コメント", "コメント一覧", "コメントする", "コメントを書く", "シェア", "シェアする", "タグ"}
)
# Copyright notices (matched case-insensitively); they drop their line and end the body.
COPYRIGHT_WORDS: tuple[str, ...] = (
    "copyright", "©", "ⓒ", "(c) 1", "(c) 2", "(c)1", "(c)2", "all rights reserved",
    "無断転載", "無断転用", "無断複製",
)  # fmt: skip
# Markers that open a line pointing elsewhere: notes, arrows, "read more" links.
LINK_PREFIXES: tuple[str, ...] = (
    "※", "▶", "►", "▷", "▸", "→", "⇒", "➡", "≫", "»", ">>", "＞＞", "👉",
    "さらに読む", "続きを読む", "もっと見る", "もっと読む", "詳しくはこちら", "全文を読む",
    "記事を読む", "関連記事", "関連:", "関連：",
)  # fmt: skip
# Words that, inside a 【…】/[…] label opening a line, make it a link or a promotion.
LINK_LABELS: tuple[str, ...] = (
    "動画", "関連", "写真", "画像", "図解", "映像", "特集", "参考", "読みたい",
    "おすすめ", "オススメ", "PR", "広告",
)  # fmt: skip
# Prompts and ads: short lines asking the reader to click, subscribe, follow or buy.
PROMPT_WORDS: tuple[str, ...] = (
    "はこちら", "こちらから", "クリック", "タップ", "ご登録", "登録する", "購読",
    "フォローする", "フォローして", "発売中", "好評発売", "読み放題", "バックナンバー",
    "有料記事", "有料会員", "会員限定", "会員登録", "ログインして", "写真を見る", "写真をみる",
    "画像を見る", "動画を見る", "動画をみる",
)  # fmt: skip
# Whole lines that are page furniture: ad slots, photo, print and share buttons, contents.
UI_LABELS: frozenset[str] = frozenset(
    {
        "広告", "PR", "[PR]", "スポンサーリンク", "スポンサードリンク", "Advertisement",
        "写真", "写真・図版", "図版", "画像", "動画", "拡大", "拡大する", "印刷", "印刷する",
        "保存", "保存する", "ブックマーク", "ツイート", "いいね", "目次", "有料記事",
    }
)  # fmt: skip
# Photo credits: agencies named in a caption's last bracket or in its trailing Latin words.
CREDIT_WORDS: tuple[str, ...] = (
    "ロイター", "REUTERS", "Reuters", "AFP", "AP", "EPA", "Getty", "Bloomberg", "KCNA",
    "Yonhap", "Sputnik", "Kyodo", "Jiji", "アフロ", "共同", "時事", "聯合", "提供",
)  # fmt: skip
# Marks of a byline (ソウル=山田太郎, 文・山田太郎): text before a date that is not a headline.
BYLINE_MARKS: tuple[str, ...] = ("=", "＝", "記者", "撮影", "文・", "文:", "文：", "筆者")
# Words that make a trailing bracket a photo caption's: (写真は3月25日), (撮影:…).
PHOTO_WORDS: tuple[str, ...] = ("写真", "撮影", "Photo", "photo", "画像提供")
# Labels that go with a stated publication date: 公開日:2023/10/13, 更新 2024.06.20 …
DATE_LABELS: tuple[str, ...] = (
    "公開日", "更新日", "配信日", "投稿日", "掲載日", "作成日", "発行日", "最終更新",
    "公開", "更新", "配信", "投稿", "掲載", "日時", "日付",
    "posted on", "posted", "updated", "published", "date",
)  # fmt: skip
# Bullet marks stripped from the start of a line (any other pictograph counts as well).
BULLET_MARKS: frozenset[str] = frozenset("・•●○◆◇■□▪▫◎★☆✓✔☑✅💡📌-*+–")

SENTENCE_ENDS: frozenset[str] = frozenset("。．！？!?」』)）")
FULL_STOPS: tuple[str, ...] = ("。", "．")
ELLIPSES: tuple[str, ...] = ("…", "...", "‥", "・・・")
OPENERS, CLOSERS = "「『（(【〈《［[", "」』）)】〉》］]"
TITLE_SEPARATORS: tuple[str, ...] = ("|", "｜")
BREADCRUMB_MARKS: tuple[str, ...] = (">", "＞", "›", "»", "≫")

HEADING_MAX = 40  # a line this long without a sentence ending is a fragment, not a heading
TITLE_MAX = 150
MIN_JAPANESE_SHARE = 0.3  # of letters: below it a line is foreign-language (or code)
TITLE_WINDOW = 6  # how far above a date line its block's headline may stand
TITLE_LOOKBACK = 8  # how many lines above the date (or body) a page's headline may stand

# --- Line kinds. ---
BLANK, DATE, RANK, FOOTER, DROP, SENTENCE, HEADING = (
    "blank", "date", "rank", "footer", "drop", "sentence", "heading",
)  # fmt: skip
_TEXT_KINDS = (SENTENCE, HEADING)
_TRANSPARENT = (BLANK, DROP, RANK, DATE)  # what a heading's neighbours may skip over

_JAPANESE = (
    r"\u3041-\u3096\u30a1-\u30fa\u30fc\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9d"
)
_JAPANESE_RE = re.compile(f"[{_JAPANESE}]")
_LATIN_RE = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
_NEWLINE_RE = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_JUNK_RE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\ufe00-\ufe0f\ufeff\ufffc\ufffd\ud800-\udfff]"
)
_SPACE_RE = re.compile(r"\s+")
_URL_RE = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+")
_URL_BRACKET_RE = re.compile(
    r"[(（\[［<＜][^()（）\[\]［］<>＜＞\x00]{0,12}\x00[^()（）\[\]［］<>＜＞]{0,3}[)）\]］>＞]"
)
_MARKDOWN_HEADING_RE = re.compile(r"(#{1,6})\s+(.*)")
_RANK_RE = re.compile(r"(?:[•・●○◆■▪*-]\s*)?(?:第\s*)?\d{1,3}\s*(?:位|\.|．|\)|）|:|：)?")
_LABEL_RE = re.compile(r"[【\[［〔]([^】\]］〕]{1,15})[】\]］〕]")
_WHOLE_LABEL_RE = re.compile(r"[【\[［〔(（《][^】\]］〕)）》]{0,30}[】\]］〕)）》]")
_LEAD_RE = re.compile(r"[<＜〈《](.+)[>＞〉》]")
_ISSUE_RE = re.compile(r"号\s*[(（][^)）]{0,20}発売")  # a magazine issue: 7月2日号(6/25発売)
_FOOTER_TRIM_RE = re.compile(r"^[\s#【\[［<＜(（■□●◆▼▽・]+|[\s】\]］>＞()（）:：\d件]+$")
_ASCII_TAIL_RE = re.compile(r"[A-Za-z][A-Za-z0-9 .,/&'’-]*$")
_PAREN_TAIL_RE = re.compile(r"[(（]([^()（）]*)[)）]\s*(?:[A-Za-z][A-Za-z0-9 .,/&'’-]*)?$")
_CREDIT_RE = re.compile(
    "|".join(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])" for word in CREDIT_WORDS)
)
_CAPTION_DATE_RE = re.compile(r"[=＝]\s*(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日")  # ＝19日、平壌
_CAPTION_MAX = 300  # captions are short; the tail patterns are only tried on short lines

_DATE_RE = re.compile(
    r"(?<!\d)(?:"
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|(?P<ny>\d{4})(?P<sep>[./\-．／－])(?P<nm>\d{1,2})(?P=sep)(?P<nd>\d{1,2})"
    r"|(?P<era>令和|平成)\s*(?P<ey>元|\d{1,2})\s*年\s*(?P<em>\d{1,2})\s*月\s*(?P<ed>\d{1,2})\s*日"
    r")(?!\d)"
)
_ERA_START = {"令和": 2018, "平成": 1988}
_DATE_LABEL_ALT = "|".join(re.escape(label) for label in sorted(DATE_LABELS, key=len, reverse=True))
_DATE_DECOR_RE = re.compile(
    r"\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?|\d{1,2}\s*時(?:\s*\d{1,2}\s*分)?|午前|午後"
    r"|\b[AP]M\b|JST|[(（]\s*(?:[月火水木金土日](?:曜日?)?|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)"
    rf"\s*[)）]|{_DATE_LABEL_ALT}",
    re.IGNORECASE,
)
_DATE_PUNCT_RE = re.compile(r"[\s:：|｜/／\-－–—・,，、.。()（）\[\]［］【】<>＜＞]+")
_TRAILING_LABEL_RE = re.compile(rf"(?:{_DATE_LABEL_ALT})\s*[:：]?\s*$", re.IGNORECASE)
_DATE_SOURCE_MAX = 10  # "2024年6月20日 11時23分 共同通信": a source name may follow a date


@dataclass(frozen=True)
class _Line:
    """One line of the page, classified by its shape."""

    kind: str
    text: str = ""  # what would be kept: markers, links and fragments removed
    date: dt.date | None = None  # DATE lines: the date stated; their text is a headline
    is_title: bool = False  # a markdown '# ' heading


@dataclass(frozen=True)
class _Block:
    """A dated stretch of the page: where it starts, its date and its headline."""

    start: int  # line index
    date_line: int
    date: dt.date | None
    title: str | None = None
    title_line: int | None = None  # the line whose text is the headline


def clean(raw: str, *, doc_id: str, source: str, url: str | None = None) -> Article:
    """The article in a scraped page: cleaned body text, title, date and dated sections.

    Never raises: any text, even empty or binary junk, gives an :class:`Article` (whose
    ``text`` may be empty).
    """
    page = _classify_page(_split_lines(_as_text(raw)))
    body_start = _body_start(page)
    page = page[: _footer_index(page, body_start)]
    title = _find_title(page, body_start)
    blocks = _find_blocks(page)
    multi = len(blocks) > 1
    if not multi:
        date = blocks[0].date if blocks else _fallback_date(page, body_start)
        if date is None:  # a news wire's page dated only by the sources it cites
            date = next((p.date for i, p in enumerate(page) if p.kind == DATE), None)
        blocks = [_Block(0, -1, date, title)]
    blocks[0] = replace(blocks[0], start=0)
    kept = _kept_paragraphs(page, blocks, body_start, None if multi else title)
    text, sections = _assemble(kept, blocks)
    return Article(
        doc_id=doc_id,
        source=source,
        text=text,
        title=title,
        date=blocks[0].date,
        url=url,
        sections=sections,
    )


def find_date(text: str) -> dt.date | None:
    """The first real date written in ``text`` (Japanese, numeric or era form), or None.

    >>> find_date("2024年6月20日(木)11時23分")
    datetime.date(2024, 6, 20)
    >>> find_date("ロシアと北朝鮮2024年06月19日 21:19")
    datetime.date(2024, 6, 19)
    >>> find_date("2024.07.19"), find_date("2024/06/20"), find_date("2024-06-20")
    (datetime.date(2024, 7, 19), datetime.date(2024, 6, 20), datetime.date(2024, 6, 20))
    >>> find_date("公開日:2023/10/13")
    datetime.date(2023, 10, 13)
    >>> find_date("令和6年6月19日")
    datetime.date(2024, 6, 19)
    >>> find_date("2024年13月40日") is None, find_date("6月20日") is None
    (True, True)
    """
    found = _first_date(text)
    return found[0] if found else None


# --- Reading the page into classified lines. ---


def _as_text(raw: object) -> str:
    """Whatever the caller passed, as text (bytes are decoded leniently)."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, (bytes, bytearray)):
        return bytes(raw).decode("utf-8", errors="replace")
    return "" if raw is None else str(raw)


def _split_lines(raw: str) -> list[str]:
    """Lines with any newline convention, junk characters gone and spaces collapsed."""
    return [_normalise(line) for line in _NEWLINE_RE.split(raw)]


def _normalise(line: str) -> str:
    """One line without control/zero-width characters, with single ASCII spaces."""
    return _SPACE_RE.sub(" ", _JUNK_RE.sub("", line)).strip()


def _classify_page(lines: list[str]) -> list[_Line]:
    """Every line classified; a ranking number takes the headline after it down too."""
    page = [_classify(line) for line in lines]
    for i, line in enumerate(page):
        if line.kind != RANK:
            continue
        after = _neighbour(page, i, +1, (BLANK,), len(page))
        if after is not None and page[after].kind in _TEXT_KINDS:
            if not page[after].text.endswith(FULL_STOPS):
                page[after] = _Line(DROP)
    return page


def _classify(line: str) -> _Line:
    """What one normalised line is, judged by its shape alone."""
    if not line:
        return _Line(BLANK)
    dated = _date_line(line)
    if dated:
        return _Line(DATE, dated[1], dated[0])
    if _RANK_RE.fullmatch(line):
        return _Line(RANK)
    if _is_footer(line):
        return _Line(FOOTER)
    heading = _MARKDOWN_HEADING_RE.fullmatch(line)
    text = _strip_urls(heading.group(2) if heading else line)
    if _is_boilerplate(text):
        return _Line(DROP)
    if heading:
        return _Line(HEADING, _strip_bullet(text), is_title=len(heading.group(1)) == 1)
    return _judge(text)


def _judge(text: str) -> _Line:
    """A text line as a sentence (possibly trimmed), a heading candidate, or nothing."""
    text, is_lead = _unwrap_lead(text)
    text = _strip_bullet(text)
    if _is_boilerplate(text):  # again: a bullet or bracket may have hidden a link or label
        return _Line(DROP)
    if is_lead and (len(text) >= 20 or _has_full_stop(text)):
        return _Line(SENTENCE, text)
    if text[-1] in SENTENCE_ENDS and _bracket_depth(text) == 0:
        return _Line(SENTENCE, text)
    if text.endswith(ELLIPSES):  # a teaser: keep its complete sentences only
        sentences = _complete_sentences(text)
        return _Line(SENTENCE, sentences) if sentences else _Line(DROP)
    sentences = _complete_sentences(text)
    if sentences:
        return _Line(SENTENCE, sentences)
    if len(text) > HEADING_MAX:  # a lead cut short by the page (a list item's snippet)
        return _Line(SENTENCE, text)
    return _Line(HEADING, text)


def _is_boilerplate(text: str) -> bool:
    """Whether a line is one that never carries article text."""
    return (
        not text
        or _japanese_share(text) < MIN_JAPANESE_SHARE
        or _is_link_line(text)
        or _is_caption(text)
        or _is_prompt(text)
        or _WHOLE_LABEL_RE.fullmatch(text) is not None
        or text in UI_LABELS
        or _is_news_list(text)
    )


# A dated headline as a list of related news writes it: 2016年8月16日(火):… or 2006年5月6日、…
_LISTED_HEADLINE_RE = re.compile(
    r"\d{4}年\d{1,2}月\d{1,2}日\s*(?:[(（][^)）]{1,3}[)）])?\s*[:：、]"
)


def _is_news_list(text: str) -> bool:
    """A line that strings several dated headlines together (a related-news box run into
    one line): it reports nothing of the article's own.

    >>> _is_news_list("2016年8月16日(火):台風が上陸2014年7月7日(月):特別警報")
    True
    >>> _is_news_list("2016年8月16日、台風が上陸した。")
    False
    """
    return len(_LISTED_HEADLINE_RE.findall(text)) >= 2


def _japanese_share(text: str) -> float:
    """Share of Japanese characters among the letters of ``text`` (0 when it has none)."""
    japanese = len(_JAPANESE_RE.findall(text))
    latin = len(_LATIN_RE.findall(text))
    return japanese / (japanese + latin) if japanese else 0.0


def _is_footer(line: str) -> bool:
    """A copyright line, or a short header of what follows an article (関連記事, オススメ …)."""
    lowered = line.lower()
    if len(line) <= 200 and any(word in lowered for word in COPYRIGHT_WORDS):
        return True
    if len(line) > HEADING_MAX:
        return False
    label = _LABEL_RE.match(line)
    if label and len(line) - label.end() > 2:  # 【関連記事】<headline>: a link, not a header
        return False
    core = _FOOTER_TRIM_RE.sub("", line)
    if core in FOOTER_LINES:
        return True
    if len(core) > 25 or not any(word in core for word in FOOTER_WORDS):
        return False
    return not core.endswith(FULL_STOPS) or _is_prompt(core)


def _is_link_line(text: str) -> bool:
    """A line opened by a link marker (※, ▶, さらに読む …) or a 【動画】-style label."""
    if text.startswith(LINK_PREFIXES):
        return True
    label = _LABEL_RE.match(text)
    return label is not None and any(word in label.group(1) for word in LINK_LABELS)


def _is_prompt(text: str) -> bool:
    """A short call to click, subscribe or buy, or a magazine issue's announcement."""
    if len(text) <= 60 and any(word in text for word in PROMPT_WORDS):
        return True
    return _ISSUE_RE.search(text) is not None


def _is_caption(text: str) -> bool:
    """A photo caption: '…＝19日、平壌', or it ends in a credit: (写真は…), (2024年 ロイター/…),
    '… via AFP'."""
    if len(text) > _CAPTION_MAX:
        return False
    if _CAPTION_DATE_RE.search(text) and not text.endswith(FULL_STOPS):
        return True
    tail = _ASCII_TAIL_RE.search(text)
    if tail and tail.start() > 0 and _CREDIT_RE.search(tail.group()):
        return True
    paren = _PAREN_TAIL_RE.search(text)
    if paren is None:
        return False
    inner = paren.group(1)
    if any(word in inner for word in PHOTO_WORDS):
        return True
    return ("/" in inner or "／" in inner) and _CREDIT_RE.search(inner) is not None


def _strip_urls(line: str) -> str:
    """The line without its URLs; "" when it was little more than links.

    When a link marker opens the line (``さらに読む ⇒出典: https://…<comment>``), everything
    up to the last URL is the link and only what follows it is kept.
    """
    if "http" not in line and "www." not in line:
        return line
    urls = list(_URL_RE.finditer(line))
    if not urls:
        return line
    if _is_link_line(line[: urls[0].start()].strip()):
        line = line[urls[-1].end() :]
    marked = _URL_BRACKET_RE.sub("", _URL_RE.sub("\x00", line))
    rest = _normalise(marked.replace("\x00", " "))
    return rest if len(_JAPANESE_RE.findall(rest)) >= 8 else ""


def _unwrap_lead(text: str) -> tuple[str, bool]:
    """A lead's text without its wrapping <…>/〈…〉, and whether it was one."""
    lead = _LEAD_RE.fullmatch(text)
    return (lead.group(1).strip(), True) if lead else (text, False)


def _strip_bullet(text: str) -> str:
    """The text without a leading bullet mark (・, ■, ✅, 💡 or any other pictograph)."""
    start = 0
    while start < len(text) and (
        text[start] in BULLET_MARKS
        or text[start].isspace()
        or unicodedata.category(text[start]) == "So"
    ):
        start += 1
    return text[start:]


def _complete_sentences(text: str) -> str:
    """The text up to its last full stop outside brackets ("" when it has none)."""
    depth, last = 0, -1
    for i, char in enumerate(text):
        depth = _next_depth(depth, char)
        if char in FULL_STOPS and depth == 0:
            last = i
    return text[: last + 1].strip()


def _bracket_depth(text: str) -> int:
    """How many brackets are still open at the end of ``text`` (a cut-off line's are)."""
    depth = 0
    for char in text:
        depth = _next_depth(depth, char)
    return depth


def _next_depth(depth: int, char: str) -> int:
    """The bracket depth after ``char``."""
    if char in OPENERS:
        return depth + 1
    if char in CLOSERS:
        return max(0, depth - 1)
    return depth


# --- Dates. ---


def _first_date(text: str) -> tuple[dt.date, int, int] | None:
    """The first valid date in ``text`` with its span."""
    for match in _DATE_RE.finditer(text):
        date = _to_date(match)
        if date:
            return date, match.start(), match.end()
    return None


def _to_date(match: re.Match[str]) -> dt.date | None:
    """The date a :data:`_DATE_RE` match spells, or None if no such day exists."""
    if match.group("era"):
        era_year = match.group("ey")
        year = _ERA_START[match.group("era")] + (1 if era_year == "元" else int(era_year))
        month, day = int(match.group("em")), int(match.group("ed"))
    elif match.group("y"):
        year, month, day = (int(match.group(name)) for name in ("y", "m", "d"))
    else:
        year, month, day = (int(match.group(name)) for name in ("ny", "nm", "nd"))
    if not 1900 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _date_line(line: str) -> tuple[dt.date, str] | None:
    """(date, headline) when the line states a date: alone, labelled, or after a headline."""
    found = _first_date(line)
    if found is None:
        return None
    date, start, end = found
    if not _is_date_decor(line[end:]):
        return None
    before = line[:start]
    residue = _date_residue(before)
    if not residue:
        return date, ""
    if not _JAPANESE_RE.search(residue) or _is_credit(before):
        return (date, "") if len(residue) <= 20 else None
    headline = _TRAILING_LABEL_RE.sub("", before).strip(" :：|｜-－–—・")
    if len(headline) > TITLE_MAX or _has_full_stop(headline):
        return None
    return date, headline


def _is_credit(text: str) -> bool:
    """A byline or source before a date: 'ソウル=山田太郎', '（朝日新聞デジタル'."""
    return _bracket_depth(text) > 0 or any(mark in text for mark in BYLINE_MARKS)


def _is_date_decor(after: str) -> bool:
    """Whether what follows a date is only its time, weekday, label or a source's name."""
    residue = _date_residue(after)
    if not residue:
        return True
    separated = after[:1].isspace() or after[:1] in "|｜"
    return separated and len(residue) <= _DATE_SOURCE_MAX and not after.endswith(FULL_STOPS)


def _date_residue(text: str) -> str:
    """``text`` without times, weekdays, date labels and punctuation."""
    return _DATE_PUNCT_RE.sub("", _DATE_DECOR_RE.sub(" ", text))


_CITATION = re.compile(r"^[^『』「」。]{0,30}『[^』]{2,}』[^『』「」。]{0,60}[。．.]?$")
_CLAUSE_END = re.compile(r"』[^『』]*(?:を|が|は|に|と)[^『』]*[たるだす]。?$")


def is_citation(text: str) -> bool:
    """A sentence that only cites a source: an author, a title in 『』, a publisher or a
    date (白川義和『北朝鮮ミサイル発射は「決議違反」』。).  A headline quoted as a source
    states nothing of its own.

    A line that is one quotation as a whole (「…が…を批判」。, "…を非難") quotes a
    headline too.

    >>> is_citation("白川義和『安保理が議長声明採択』。"), is_citation("同氏は『回顧録』を出した。")
    (True, False)
    >>> is_citation("「野党が無効を批判」。"), is_citation("「撤回する」と述べた。")
    (True, False)
    """
    text = text.strip()
    if _QUOTED_LINE.match(text):
        return True
    return bool(_CITATION.match(text)) and not _CLAUSE_END.search(text)


_QUOTED_LINE = re.compile(
    r'^(?:「[^「」]*(?:「[^「」]*」[^「」]*)*」|『[^『』]*』|"[^"]*"|“[^“”]*”)[。．.]?$'
)


def _is_source_date(page: list[_Line], i: int) -> bool:
    """Whether a date line dates a cited source (著者『題名』。 then 産経新聞、2006年9月20日。):
    it tells when the article was written, but heads no block of the page."""
    if page[i].text.endswith(("、", ",", "，")):
        return True
    j = i - 1
    while j >= 0 and page[j].kind == BLANK:
        j -= 1
    text = page[j].text.strip() if j >= 0 else ""
    return bool(_CITATION.match(text)) and not _CLAUSE_END.search(text)


def _fallback_date(page: list[_Line], body_start: int | None) -> dt.date | None:
    """For a page without a date line: the first date in the lines above the body."""
    for line in page[: body_start if body_start is not None else 15]:
        if line.kind in _TEXT_KINDS:
            date = find_date(line.text)
            if date:
                return date
    return None


# --- Body, title and blocks. ---


def _body_start(page: list[_Line]) -> int | None:
    """Index of the first full sentence: the body begins there."""
    for i, line in enumerate(page):
        if line.kind == SENTENCE and len(line.text) >= 10 and _has_full_stop(line.text):
            return i
    return None


def _has_full_stop(text: str) -> bool:
    """Whether ``text`` holds a 。 (or ．) anywhere."""
    return any(stop in text for stop in FULL_STOPS)


def _footer_index(page: list[_Line], body_start: int | None) -> int:
    """Index of the first footer marker after the body began (the page's end if none)."""
    if body_start is not None:
        for i in range(body_start + 1, len(page)):
            if page[i].kind == FOOTER:
                return i
    return len(page)


def _find_title(page: list[_Line], body_start: int | None) -> str | None:
    """The page's headline: a '# ' heading, a headline on the first date line, or the
    longest headline-shaped line just above the first date (or above the body)."""
    for line in page[:20]:
        if line.is_title and line.text:
            return line.text
    first_date = next((i for i, line in enumerate(page) if line.kind == DATE), None)
    if first_date is not None and page[first_date].text:
        return page[first_date].text
    ends = [i for i in (first_date, body_start) if i is not None]
    title = _longest_headline(page, min(ends, default=20))
    if title is None and body_start is not None:  # the date stands above the headline
        title = _longest_headline(page, body_start)
    return title


def _longest_headline(page: list[_Line], end: int) -> str | None:
    """The longest headline-shaped text among the last lines above ``end``."""
    above = [line for line in page[:end] if line.kind != BLANK][-TITLE_LOOKBACK:]
    candidates = [_title_text(line) for line in above if _is_title_like(line)]
    return max((c for c in candidates if c), key=len, default=None)


def _is_title_like(line: _Line) -> bool:
    """A text line that could be a headline: no full stop, not too long."""
    return (
        line.kind in _TEXT_KINDS
        and 2 <= len(line.text) <= TITLE_MAX
        and not _has_full_stop(line.text)
        and len(_JAPANESE_RE.findall(line.text)) >= 0.4 * len(line.text)
    )


def _title_text(line: _Line) -> str | None:
    """A headline line without a ' | site name' part; None for breadcrumbs."""
    if any(mark in line.text for mark in BREADCRUMB_MARKS):
        return None
    parts = re.split("|".join(map(re.escape, TITLE_SEPARATORS)), line.text)
    parts = [part.strip() for part in parts if _JAPANESE_RE.search(part)]
    return max(parts, key=len, default=None)


def _find_blocks(page: list[_Line]) -> list[_Block]:
    """The page's dated blocks, in order: one per date line that heads content.

    A date line right after another one with nothing between (公開日 then 更新日) adds no
    block, and date lines with nothing after them (a trailing 更新日) head none either,
    unless they close a list of headline-and-date items.
    """
    blocks: list[_Block] = []
    previous_date = -1
    for i, line in enumerate(page):
        if line.kind != DATE or _is_source_date(page, i):
            continue
        block = _block_at(page, i, previous_date)
        previous_date = i
        if blocks and block.title_line is None:
            if not _has_content(page, blocks[-1].date_line + 1, block.start):
                continue
        blocks.append(block)
    while len(blocks) > 1 and not _has_content(page, blocks[-1].date_line + 1, len(page)):
        if _is_item(page, blocks[-1]) and sum(_is_item(page, b) for b in blocks[:-1]) >= 2:
            break
        blocks.pop()
    return blocks


def _is_item(page: list[_Line], block: _Block) -> bool:
    """Whether a block is a list item: a headline with its date right under (or after) it."""
    if block.title_line is None:
        return False
    return not _has_content(page, block.title_line + 1, block.date_line)


def _block_at(page: list[_Line], date_line: int, floor: int) -> _Block:
    """The block a date line dates: it starts at its headline, if one stands above."""
    line = page[date_line]
    if line.text:
        return _Block(date_line, date_line, line.date, line.text, date_line)
    title_line = _headline_above(page, date_line, floor)
    if title_line is None:
        return _Block(date_line, date_line, line.date)
    return _Block(title_line, date_line, line.date, page[title_line].text, title_line)


def _headline_above(page: list[_Line], date_line: int, floor: int) -> int | None:
    """The headline of a date line: the first line of the headline-shaped run above it.

    Sentences between the headline and the date (a digest's intro) are stepped over; a
    blank line, another date or a footer ends the search.
    """
    found = None
    j = date_line - 1
    while j > floor and date_line - j <= TITLE_WINDOW:
        line = page[j]
        if line.kind in (BLANK, DATE, FOOTER):
            break
        if _is_title_like(line):
            found = j
        elif line.kind != DROP and found is not None:
            break
        j -= 1
    return found


def _has_content(page: list[_Line], start: int, stop: int) -> bool:
    """Whether any text line stands between ``start`` and ``stop``."""
    return any(line.kind in _TEXT_KINDS for line in page[start:stop])


# --- Paragraphs and sections. ---


def _kept_paragraphs(
    page: list[_Line], blocks: list[_Block], body_start: int | None, title: str | None
) -> list[tuple[int, str]]:
    """(line index, text) of every kept paragraph in order, each text once.

    ``title`` (an ordinary article's) comes first; block headlines are kept wherever
    they stand, other lines only from the body's start on.
    """
    headlines = {b.title_line for b in blocks if b.title_line is not None}
    kept = [(-1, title)] if title else []
    for i, line in enumerate(page):
        if i in headlines:
            kept.append((i, line.text))
        elif body_start is not None and i >= body_start and _is_kept(page, i, body_start):
            kept.append((i, line.text))
    return _unique(kept)


def _is_kept(page: list[_Line], i: int, body_start: int) -> bool:
    """Whether a body line is kept: a sentence, or a lone heading followed by sentences."""
    line = page[i]
    if line.kind == SENTENCE:
        return True
    if line.kind != HEADING or len(line.text) > HEADING_MAX:
        return False
    before = _neighbour(page, i, -1, _TRANSPARENT, body_start - 1)
    after = _neighbour(page, i, +1, _TRANSPARENT, len(page))
    return (before is None or page[before].kind != HEADING) and (
        after is not None and page[after].kind == SENTENCE
    )


def _neighbour(
    page: list[_Line], i: int, step: int, skip: tuple[str, ...], bound: int
) -> int | None:
    """The nearest line from ``i`` in direction ``step`` whose kind is not in ``skip``."""
    j = i + step
    while j != bound and 0 <= j < len(page):
        if page[j].kind not in skip:
            return j
        j += step
    return None


def _unique(kept: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The paragraphs without repeats (a list item's headline is often printed twice)."""
    seen: set[str] = set()
    unique = []
    for line_no, text in kept:
        if text and text not in seen:
            seen.add(text)
            unique.append((line_no, text))
    return unique


def _assemble(kept: list[tuple[int, str]], blocks: list[_Block]) -> tuple[str, tuple[Section, ...]]:
    """The text (one paragraph a line) and contiguous sections covering it, one a block."""
    starts = [block.start for block in blocks]
    opened: list[tuple[int, _Block]] = []  # (offset, block) where each section begins
    offset = 0
    for line_no, paragraph in kept:
        block = blocks[max(0, bisect_right(starts, line_no) - 1)]
        if not opened or opened[-1][1] is not block:
            opened.append((offset, block))
        offset += len(paragraph) + 1
    text = "\n".join(paragraph for _, paragraph in kept)
    if not opened:
        return text, (Section(0, 0, blocks[0].title, blocks[0].date),)
    ends = [start for start, _ in opened[1:]] + [len(text)]
    sections = tuple(
        Section(start, end, block.title, block.date)
        for (start, block), end in zip(opened, ends, strict=True)
    )
    return text, sections
