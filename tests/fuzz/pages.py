"""Reading pages as a browser would, with Python's html.parser: the forms on a page (what each
sends, which of its inputs a person edits) and the errors a page shows."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
ERROR_CLASSES = {"errorlist", "note-error", "message-error", "alert-error"}
EDITABLE = {"text", "search", "number", "email", "password", "date", "tel", "url", "file",
            "textarea", "select", "radio"}  # fmt: skip


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list = field(default_factory=list)  # Nodes and strings

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def walk(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):  # close up to the matching element
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


@dataclass
class Field:
    name: str
    kind: str  # an input's type, or "textarea" / "select"
    value: str
    required: bool = False
    maxlength: int | None = None
    choices: list[str] = field(default_factory=list)  # a select's options, a radio's values

    @property
    def editable(self) -> bool:
        return self.kind in EDITABLE


@dataclass
class Form:
    page: str  # the URL of the page it is on
    method: str
    action: str
    fields: list[Field]
    buttons: list[tuple[str, str, str]]  # (name, value, formaction) of each submit button
    htmx: bool  # it also sends itself with htmx (hx-post / hx-get)
    multipart: bool

    @property
    def editable(self) -> list[Field]:
        return [f for f in self.fields if f.editable]

    @property
    def signature(self) -> tuple:
        """The same form on several pages or rows (an add-to-cart per product) counts once."""
        path = urlsplit(self.action).path
        return self.method, _shape(path), tuple(sorted((f.name, f.kind) for f in self.fields))

    def data(self, button: tuple[str, str, str] | None = None) -> dict[str, list[str]]:
        """What the browser sends as the form stands (with the button pressed)."""
        sent: dict[str, list[str]] = {}
        radios_seen = set()
        for f in self.fields:
            if f.kind == "radio":
                if f.name in radios_seen:
                    continue
                radios_seen.add(f.name)
            if f.kind in ("checkbox", "radio") and f.value is None:
                continue
            if f.kind == "file":
                continue
            sent.setdefault(f.name, []).append(f.value)
        if button and button[0]:
            sent.setdefault(button[0], []).append(button[1])
        return sent


def _shape(path: str) -> str:
    """/cart/lines/12/ and /cart/lines/13/ are the same form."""
    return "/".join("<id>" if part.isdigit() else part for part in path.split("/"))


def forms_on(page_url: str, html: str) -> list[Form]:
    forms = []
    for node in parse(html).walk():
        if node.tag == "form":
            forms.append(_form(page_url, node))
    return forms


def _form(page_url: str, node: Node) -> Form:
    fields, buttons, radios = [], [], {}
    for el in node.walk():
        if el.tag == "input":
            kind = el.attrs.get("type", "text").lower()
            name = el.attrs.get("name")
            if kind in ("submit", "image"):
                buttons.append((name or "", el.attrs.get("value", ""), el.attrs.get("formaction")))
                continue
            if not name or kind == "button" or "disabled" in el.attrs:
                continue
            if kind in ("checkbox", "radio"):
                checked = "checked" in el.attrs
                if kind == "radio":
                    group = radios.setdefault(name, Field(name, "radio", None))
                    group.choices.append(el.attrs.get("value", "on"))
                    group.required = group.required or "required" in el.attrs
                    if checked:
                        group.value = el.attrs.get("value", "on")
                    continue
                fields.append(Field(name, kind, el.attrs.get("value", "on") if checked else None))
                continue
            fields.append(_field(el, kind, el.attrs.get("value", "")))
        elif el.tag == "textarea" and el.attrs.get("name"):
            fields.append(_field(el, "textarea", el.text.removeprefix("\n")))
        elif el.tag == "select" and el.attrs.get("name"):
            options = [o for o in el.walk() if o.tag == "option"]
            choices = [o.attrs.get("value", o.text) for o in options]
            chosen = [o for o in options if "selected" in o.attrs] or options[:1]
            value = chosen[0].attrs.get("value", chosen[0].text) if chosen else ""
            fields.append(_field(el, "select", value, choices=choices))
        elif el.tag == "button" and el.attrs.get("type", "submit") == "submit":
            buttons.append((el.attrs.get("name", ""), el.attrs.get("value", ""),
                            el.attrs.get("formaction")))  # fmt: skip
    fields.extend(radios.values())
    return Form(
        page=page_url,
        method=node.attrs.get("method", "get").lower(),
        action=urljoin(page_url, node.attrs.get("action") or page_url),
        fields=fields,
        buttons=buttons or [("", "", None)],
        htmx=bool(node.attrs.get("hx-post") or node.attrs.get("hx-get")),
        multipart=node.attrs.get("enctype") == "multipart/form-data",
    )


def _field(el: Node, kind: str, value: str, choices=()) -> Field:
    maxlength = el.attrs.get("maxlength")
    return Field(
        name=el.attrs["name"],
        kind=kind,
        value=value,
        required="required" in el.attrs,
        maxlength=int(maxlength) if maxlength and maxlength.isdigit() else None,
        choices=list(choices),
    )


def errors_shown(html: str) -> list[str]:
    """The text of every error a page shows: elements with an error class or role="alert"
    (not hidden) that say something."""
    shown = []

    def visit(node: Node) -> None:
        if "hidden" in node.attrs or node.tag in ("template", "script", "style"):
            return
        marked = node.classes & ERROR_CLASSES or node.attrs.get("role") == "alert"
        if marked and (text := " ".join(node.text.split())):
            shown.append(text)
            return
        for child in node.children:
            if isinstance(child, Node):
                visit(child)

    visit(parse(html))
    return shown
