"""Apply an htmx response to a parsed page, as htmx does, and compare pages as trees.

A small DOM built with the standard library's HTML parser: enough to swap an element by id
(outerHTML), apply out-of-band swaps (``hx-swap-oob="true"``), take the response's <title>, and
compare two documents with whitespace normalised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def find(self, predicate: object) -> Node | None:
        assert callable(predicate)
        if predicate(self):
            return self
        for child in self.children:
            if isinstance(child, Node):
                found = child.find(predicate)
                if found:
                    return found
        return None

    def by_id(self, element_id: str) -> Node | None:
        return self.find(lambda n: n.attrs.get("id") == element_id)

    def parent_of(self, target: Node) -> Node | None:
        for child in self.children:
            if child is target:
                return self
            if isinstance(child, Node):
                found = child.parent_of(target)
                if found:
                    return found
        return None

    def normalised(self) -> tuple[object, ...]:
        children: list[object] = []
        for child in self.children:
            if isinstance(child, Node):
                children.append(child.normalised())
            else:
                text = " ".join(child.split())
                if text:
                    children.append(text)
        return (self.tag, tuple(sorted(self.attrs.items())), tuple(children))


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def _replace(document: Node, old: Node, new: Node) -> None:
    parent = document.parent_of(old)
    assert parent is not None, f"#{old.attrs.get('id')} has no parent"
    parent.children[parent.children.index(old)] = new


def apply_htmx(page: str, response: str, target_id: str) -> Node:
    """The page after htmx swapped ``response`` into ``#target_id`` (outerHTML)."""
    document = parse(page)
    fragment = parse(response)
    title = fragment.find(lambda n: n.tag == "title")
    if title is not None:
        fragment.children.remove(title)
        old_title = document.find(lambda n: n.tag == "title")
        assert old_title is not None
        old_title.children = title.children
    for oob in [c for c in fragment.children if isinstance(c, Node) and "hx-swap-oob" in c.attrs]:
        fragment.children.remove(oob)
        del oob.attrs["hx-swap-oob"]
        old = document.by_id(oob.attrs["id"])
        assert old is not None, f"no #{oob.attrs['id']} for the out-of-band swap"
        _replace(document, old, oob)
    main = [c for c in fragment.children if isinstance(c, Node)]
    assert len(main) == 1 and main[0].attrs.get("id") == target_id, "one element, the target"
    old_target = document.by_id(target_id)
    assert old_target is not None
    _replace(document, old_target, main[0])
    return document
