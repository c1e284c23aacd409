"""The message corpus of the IMAP benchmark (bench/imap_bench.py).

`make_corpus(count, seed)` returns `count` varied, realistic RFC 5322 messages (bytes, CRLF line
ends), the same for the same arguments on every machine: each message comes from its own
`random.Random` seeded by (seed, index), so message i does not depend on how many others there
are. Kinds, by share:

    50 %  text/plain (7bit US-ASCII, or UTF-8 in quoted-printable or 8bit)
    25 %  multipart/alternative (text/plain + text/html)
    10 %  multipart/mixed: text + a base64 attachment (PDF, PNG or ZIP of random bytes)
     8 %  multipart/mixed: text + a forwarded message/rfc822 (itself plain or alternative)
     7 %  multipart/mixed: multipart/alternative + attachment + message/rfc822

About a fifth of the subjects and some display names are RFC 2047 encoded words. Bodies are
roughly 2 to 20 KB. The word SEARCH_WORD is planted in the body text (never in a header, never
split by an encoding) of exactly the messages with index % 100 == 37, i.e. 1 %:
`planted_count(count)` says how many. Python standard library only.
"""

import base64
import datetime
import email.utils
import random
import re

SEARCH_WORD = "quokkafeather"

_WORDS = """
the of and to in is that for it as was with be by on not he this are or his from at which but
have an they you were her she there been one all we their has would when if so no will more
about up out them what some time could into only do than other then its now over also after
meeting budget report quarter project release server mailbox invoice schedule review draft
proposal customer support ticket deadline update estimate contract shipment warehouse order
garden weather holiday train ticket museum concert dinner lunch coffee morning evening weekend
design network storage backup restore migration database index cache latency throughput disk
memory process thread queue message folder filter attachment archive calendar invitation
travel hotel flight airport luggage passport visa conference keynote workshop slides speaker
please thanks regards hello dear team colleagues friends family note reminder question answer
approve reject comment feedback change request issue bug fix patch version branch merge test
""".split()

_FIRST = ["Alice", "Bob", "Carol", "David", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy",
          "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter",
          "Yasmin", "Zoe", "Amir", "Chen", "Dmitri", "Fatima", "Hiroshi", "Ingrid", "Kwame"]
_LAST = ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Johnson", "Roberts",
         "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green",
         "Hall", "Wood", "Harris", "Martin", "Jackson", "Clarke", "Clark", "Turner", "Hill"]
_UNICODE_NAMES = ["Jürgen Müller", "Zoë Dupré", "Søren Ødegård", "Łukasz Żółw", "José Núñez",
                  "Ελένη Παππά", "Иван Петров", "山田 太郎"]
_DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com", "corp.example",
            "lists.example.org", "shop.example", "univ.example.edu"]
_UNICODE_PHRASES = ["Grüße aus München", "Café crème à Paris", "Smørrebrød og øl",
                    "Привет из Москвы", "Καλημέρα", "日本語の件名", "Zażółć gęślą jaźń"]
_ATTACHMENTS = [("application/pdf", "report.pdf"), ("image/png", "photo.png"),
                ("application/zip", "archive.zip"), ("image/jpeg", "scan.jpg"),
                ("application/vnd.oasis.opendocument.text", "minutes.odt")]

_BASE_DATE = datetime.datetime(2026, 3, 2, 9, 0, 0, tzinfo=datetime.timezone.utc)


def planted(index):
    """True if message `index` carries SEARCH_WORD in its body."""
    return index % 100 == 37


def planted_count(count):
    return sum(1 for i in range(count) if planted(i))


def make_corpus(count, seed=1):
    return [make_message(i, seed) for i in range(count)]


def make_message(index, seed=1):
    rng = random.Random(seed * 1_000_003 + index)
    plant = planted(index)
    roll = rng.random()
    body_size = _body_size(rng)
    if roll < 0.50:
        headers, body = _plain_part(rng, body_size, plant)
    elif roll < 0.75:
        headers, body = _alternative(rng, body_size, plant)
    elif roll < 0.85:
        headers, body = _mixed(rng, [_plain_part(rng, body_size // 2, plant),
                                     _attachment(rng)])
    elif roll < 0.93:
        headers, body = _mixed(rng, [_plain_part(rng, body_size // 2, plant),
                                     _forwarded(rng, index, seed)])
    else:
        parts = [_alternative(rng, body_size // 2, plant), _attachment(rng)]
        if rng.random() < 0.6:
            parts.append(_forwarded(rng, index, seed))
        headers, body = _mixed(rng, parts)
    return _envelope_headers(rng, index) + _join_headers(headers) + b"\r\n" + body


# -- headers ------------------------------------------------------------------------------------

def _envelope_headers(rng, index, date_offset_minutes=None):
    minutes = index * 7 if date_offset_minutes is None else date_offset_minutes
    date = _BASE_DATE + datetime.timedelta(minutes=minutes, seconds=rng.randrange(60))
    tz = datetime.timezone(datetime.timedelta(hours=rng.choice([-8, -5, 0, 1, 2, 9])))
    sender = _address(rng)
    lines = [
        f"Return-Path: <{sender[1]}>",
        f"Received: from mx{rng.randrange(1, 9)}.{rng.choice(_DOMAINS)} "
        f"(mx.{rng.choice(_DOMAINS)} [192.0.2.{rng.randrange(1, 255)}])\r\n"
        f"\tby mail.bench.test with ESMTPS id {rng.getrandbits(48):012X}\r\n"
        f"\tfor <bench@bench.test>; {email.utils.format_datetime(date.astimezone(tz))}",
        f"Date: {email.utils.format_datetime(date.astimezone(tz))}",
        f"From: {_format_address(rng, sender)}",
        "To: " + ", ".join([_format_address(rng, ("Bench User", "bench@bench.test"))] +
                           [_format_address(rng, _address(rng))
                            for _ in range(rng.choice([0, 0, 0, 1, 2]))]),
    ]
    if rng.random() < 0.3:
        lines.append("Cc: " + ", ".join(_format_address(rng, _address(rng))
                                        for _ in range(rng.randrange(1, 4))))
    if rng.random() < 0.1:
        lines.append(f"Reply-To: {_format_address(rng, _address(rng))}")
    lines.append(f"Subject: {_subject(rng)}")
    lines.append(f"Message-ID: <{index}.{rng.getrandbits(64):016x}@{rng.choice(_DOMAINS)}>")
    if rng.random() < 0.3:
        ref = f"<{rng.getrandbits(64):016x}@{rng.choice(_DOMAINS)}>"
        lines += [f"In-Reply-To: {ref}", f"References: {ref}"]
    lines.append("MIME-Version: 1.0")
    return ("\r\n".join(lines) + "\r\n").encode()


def _join_headers(headers):
    return b"".join(f"{k}: {v}\r\n".encode() for k, v in headers)


def _address(rng):
    if rng.random() < 0.1:
        name = rng.choice(_UNICODE_NAMES)
        local = f"user{rng.randrange(1000)}"
    else:
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        name = f"{first} {last}"
        local = f"{first.lower()}.{last.lower()}"
    return name, f"{local}@{rng.choice(_DOMAINS)}"


def _format_address(rng, address):
    name, mail = address
    if not name.isascii():
        return f"{_encoded_word(rng, name)} <{mail}>"
    if rng.random() < 0.1:
        return mail
    if rng.random() < 0.2:
        last, first = name.split(" ", 1)[1], name.split(" ", 1)[0]
        return f'"{last}, {first}" <{mail}>'
    return f"{name} <{mail}>"


def _subject(rng):
    words = " ".join(rng.choice(_WORDS) for _ in range(rng.randrange(2, 9))).capitalize()
    prefix = rng.choice(["", "", "", "Re: ", "Fwd: ", "RE: "])
    if rng.random() < 0.2:
        return prefix + _encoded_word(rng, f"{rng.choice(_UNICODE_PHRASES)} – {words}")
    return prefix + words


def _encoded_word(rng, text):
    """RFC 2047: B or Q in UTF-8, or Q in ISO-8859-1 when the text fits that charset."""
    try:
        latin = text.encode("iso-8859-1")
    except UnicodeEncodeError:
        latin = None
    if latin is not None and rng.random() < 0.5:
        return "=?ISO-8859-1?Q?" + _q_encode(latin) + "?="
    raw = text.encode()
    if rng.random() < 0.5:
        return "=?UTF-8?B?" + base64.b64encode(raw).decode() + "?="
    # Q words are kept under 75 characters each (RFC 2047 2), split on character boundaries.
    words, chunk = [], ""
    for ch in text:
        enc = _q_encode(ch.encode())
        if len(chunk) + len(enc) > 40:
            words.append(chunk)
            chunk = ""
        chunk += enc
    words.append(chunk)
    return "\r\n ".join("=?UTF-8?Q?" + w + "?=" for w in words)


def _q_encode(raw):
    out = []
    for b in raw:
        c = chr(b)
        if c == " ":
            out.append("_")
        elif c.isascii() and c.isalnum():
            out.append(c)
        else:
            out.append(f"={b:02X}")
    return "".join(out)


# -- bodies -------------------------------------------------------------------------------------

def _body_size(rng):
    r = rng.random()
    if r < 0.6:
        return rng.randrange(1500, 6000)
    if r < 0.9:
        return rng.randrange(6000, 12000)
    return rng.randrange(12000, 19000)


def _paragraphs(rng, size, plant, unicode_ok):
    """Plain-text paragraphs of about `size` characters; SEARCH_WORD once if `plant`."""
    paragraphs, total = [], 0
    while total < size:
        words = rng.choices(_WORDS, k=rng.randrange(20, 90))
        if unicode_ok and rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), rng.choice(_UNICODE_PHRASES).split()[0])
        words[0] = words[0].capitalize()
        text = " ".join(words) + "."
        paragraphs.append(text)
        total += len(text) + 2
    if plant:
        p = rng.randrange(len(paragraphs))
        words = paragraphs[p].split(" ")
        words.insert(rng.randrange(1, len(words)), SEARCH_WORD)
        paragraphs[p] = " ".join(words)
    greeting = rng.choice(["Hello,", "Hi all,", "Dear team,", "Good morning,"])
    signature = "-- \n" + rng.choice(_FIRST)
    return [greeting] + paragraphs + [signature]


def _wrap(text, width=72):
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return lines


_QP_SAFE = re.compile(r"[!-<>-~]*\Z")


def _qp_word(word):
    return "".join(c if (c.isascii() and c != "=" and c.isprintable())
                   else "".join(f"={b:02X}" for b in c.encode()) for c in word)


def _qp_lines(text):
    """Quoted-printable (RFC 2045 6.7) with hard breaks between words: no soft break ever
    splits a word, so a body search finds every word of the decoded text."""
    lines, line = [], ""
    for word in text.split(" "):
        enc = word if _QP_SAFE.match(word) else _qp_word(word)
        if line and len(line) + 1 + len(enc) > 74:
            lines.append(line)
            line = enc
        else:
            line = f"{line} {enc}" if line else enc
    lines.append(line)
    return lines


def _plain_part(rng, size, plant):
    encoding = rng.choice(["7bit", "7bit", "quoted-printable", "8bit"])
    paragraphs = _paragraphs(rng, size, plant, unicode_ok=encoding != "7bit")
    out = []
    for p in paragraphs:
        for raw in p.split("\n"):
            out += _qp_lines(raw) if encoding == "quoted-printable" else _wrap(raw)
        out.append("")
    charset = "us-ascii" if encoding == "7bit" else "utf-8"
    headers = [("Content-Type", f"text/plain; charset={charset}" +
                ("; format=flowed" if rng.random() < 0.2 else "")),
               ("Content-Transfer-Encoding", encoding)]
    return headers, "\r\n".join(out).encode() + b"\r\n"


def _html_part(rng, size, plant):
    paragraphs = _paragraphs(rng, size, plant, unicode_ok=True)
    lines = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\"></head><body>"]
    for p in paragraphs:
        lines += ["<p>"] + _qp_lines(p.replace("\n", "<br>")) + ["</p>"]
    lines.append("</body></html>")
    headers = [("Content-Type", "text/html; charset=utf-8"),
               ("Content-Transfer-Encoding", "quoted-printable")]
    return headers, "\r\n".join(lines).encode() + b"\r\n"


def _alternative(rng, size, plant):
    return _multipart(rng, "alternative", [_plain_part(rng, size // 2, plant),
                                           _html_part(rng, size // 2, plant)])


def _attachment(rng):
    ctype, name = rng.choice(_ATTACHMENTS)
    data = rng.randbytes(rng.randrange(800, 9000))
    b64 = base64.b64encode(data).decode()
    lines = [b64[i:i + 76] for i in range(0, len(b64), 76)]
    headers = [("Content-Type", f'{ctype}; name="{name}"'),
               ("Content-Disposition", f'attachment; filename="{name}"'),
               ("Content-Transfer-Encoding", "base64")]
    return headers, "\r\n".join(lines).encode() + b"\r\n"


def _forwarded(rng, index, seed):
    """A message/rfc822 part: a whole message (no planted word) with its own headers."""
    inner_rng = random.Random(seed * 7_000_003 + index)
    headers = _envelope_headers(inner_rng, index, date_offset_minutes=index * 3 - 600)
    if inner_rng.random() < 0.5:
        part_headers, body = _plain_part(inner_rng, inner_rng.randrange(800, 3000), False)
    else:
        part_headers, body = _alternative(inner_rng, inner_rng.randrange(1500, 5000), False)
    inner = headers + _join_headers(part_headers) + b"\r\n" + body
    return [("Content-Type", "message/rfc822"),
            ("Content-Disposition", "inline")], inner


def _multipart(rng, subtype, parts):
    boundary = f"=_bench_{rng.getrandbits(64):016x}"
    out = [b"This is a multi-part message in MIME format.\r\n"]
    for headers, body in parts:
        out.append(f"--{boundary}\r\n".encode() + _join_headers(headers) + b"\r\n" + body)
    out.append(f"--{boundary}--\r\n".encode())
    return [("Content-Type", f'multipart/{subtype}; boundary="{boundary}"')], b"".join(out)


def _mixed(rng, parts):
    return _multipart(rng, "mixed", parts)
