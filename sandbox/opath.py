"""A parser and evaluator for the subset of OPATH that ``-Filter`` parameters use.

Grammar (operators and property names are case-insensitive)::

    expr       := and_expr ("-or" and_expr)*
    and_expr   := unary ("-and" unary)*
    unary      := "-not" unary | "(" expr ")" | comparison
    comparison := PROPERTY ("-eq" | "-ne" | "-like" | "-notlike" | "-lt" | "-le" | "-gt" | "-ge") value
    value      := 'single' | "double" | $true | $false | $null | bareword
"""

import fnmatch
import re
from dataclasses import dataclass

COMPARISONS = ("eq", "ne", "like", "notlike", "lt", "le", "gt", "ge")
# Range comparisons: text compared case-insensitively, character by character (a guess: the
# service's collation is not documented; the client only uses bounds that are lowercase letters,
# which sort alike in every collation). A property with no value is in no range.
RANGES = ("lt", "le", "gt", "ge")
_BAREWORD = re.compile(r"[A-Za-z0-9_.@:*\\/+\-]+")
_OPERATOR = re.compile(r"-([A-Za-z]+)")
_VARIABLE = re.compile(r"\$([A-Za-z]+)")


class FilterSyntaxError(ValueError):
    """The filter text does not parse; ``position`` is the offending character index."""

    def __init__(self, text, position):
        super().__init__(
            "Invalid filter syntax. For a description of the filter parameter syntax see the "
            f'command help.\n"{text}" at position {position + 1}.'
        )
        self.position = position


class UnknownPropertyError(ValueError):
    """The filter names a property the object type does not have."""

    def __init__(self, name):
        super().__init__(
            f"'{name}' is not a recognized filterable property. For more information about "
            "filterable properties, see the command help."
        )
        self.name = name


@dataclass(frozen=True)
class Comparison:
    """``property -op value``."""

    prop: str
    op: str
    value: object


@dataclass(frozen=True)
class Not:
    """``-not operand``."""

    operand: object


@dataclass(frozen=True)
class BoolOp:
    """``left -and right`` or ``left -or right``."""

    op: str
    left: object
    right: object


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "op", "string", "word", "var"
    value: object
    pos: int


def _tokenize(text):
    tokens = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(_Token(ch, ch, i))
            i += 1
        elif ch in "'\"":
            value, end = _read_string(text, i)
            tokens.append(_Token("string", value, i))
            i = end
        elif ch == "$":
            match = _VARIABLE.match(text, i)
            if not match or match.group(1).lower() not in ("true", "false", "null"):
                raise FilterSyntaxError(text, i)
            literal = {"true": True, "false": False, "null": None}[match.group(1).lower()]
            tokens.append(_Token("var", literal, i))
            i = match.end()
        elif ch == "-" and _OPERATOR.match(text, i):
            match = _OPERATOR.match(text, i)
            tokens.append(_Token("op", match.group(1).lower(), i))
            i = match.end()
        else:
            match = _BAREWORD.match(text, i)
            if not match:
                raise FilterSyntaxError(text, i)
            tokens.append(_Token("word", match.group(0), i))
            i = match.end()
    return tokens


def _read_string(text, start):
    quote = text[start]
    out = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == quote:
            # A doubled quote stands for one quote character, as in PowerShell.
            if i + 1 < len(text) and text[i + 1] == quote:
                out.append(quote)
                i += 2
                continue
            return "".join(out), i + 1
        if ch == "`" and quote == '"' and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    raise FilterSyntaxError(text, start)


class _Parser:
    def __init__(self, text):
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0

    def _peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _fail(self):
        token = self._peek()
        raise FilterSyntaxError(self.text, token.pos if token else len(self.text))

    def _take(self):
        token = self._peek()
        if token is None:
            self._fail()
        self.index += 1
        return token

    def parse(self):
        if not self.tokens:
            self._fail()
        node = self._or()
        if self._peek() is not None:
            self._fail()
        return node

    def _or(self):
        node = self._and()
        while self._is_op("or"):
            self.index += 1
            node = BoolOp("or", node, self._and())
        return node

    def _and(self):
        node = self._unary()
        while self._is_op("and"):
            self.index += 1
            node = BoolOp("and", node, self._unary())
        return node

    def _is_op(self, name):
        token = self._peek()
        return token is not None and token.kind == "op" and token.value == name

    def _unary(self):
        token = self._peek()
        if token is None:
            self._fail()
        if token.kind == "op" and token.value == "not":
            self.index += 1
            return Not(self._unary())
        if token.kind == "(":
            self.index += 1
            node = self._or()
            if self._peek() is None or self._peek().kind != ")":
                self._fail()
            self.index += 1
            return node
        return self._comparison()

    def _comparison(self):
        prop = self._take()
        if prop.kind != "word":
            self.index -= 1
            self._fail()
        op = self._take()
        if op.kind != "op" or op.value not in COMPARISONS:
            self.index -= 1
            self._fail()
        value = self._take()
        if value.kind not in ("string", "word", "var"):
            self.index -= 1
            self._fail()
        return Comparison(prop.value, op.value, value.value)


def parse(text):
    """Parse filter ``text`` into a tree; raises :class:`FilterSyntaxError`."""
    return _Parser(text).parse()


def properties(node):
    """The property names a parsed filter refers to."""
    if isinstance(node, Comparison):
        return {node.prop}
    if isinstance(node, Not):
        return properties(node.operand)
    return properties(node.left) | properties(node.right)


def uses_ranges(text):
    """Whether the filter ``text`` compares with -lt, -le, -gt or -ge (False when it does not parse)."""
    try:
        return _has_range(parse(text))
    except FilterSyntaxError:
        return False


def _has_range(node):
    if isinstance(node, Comparison):
        return node.op in RANGES
    if isinstance(node, Not):
        return _has_range(node.operand)
    return _has_range(node.left) or _has_range(node.right)


def check_properties(node, available):
    """Raise :class:`UnknownPropertyError` for the first name not in ``available``."""
    known = {name.lower() for name in available}
    for name in sorted(properties(node)):
        if name.lower() not in known:
            raise UnknownPropertyError(name)


def conjuncts_on(node, prop):
    """The comparisons of ``prop`` (case-insensitive) that ``node`` requires: those joined to the
    whole filter by ``-and`` only (a ``-or`` or ``-not`` above one makes it optional)."""
    if isinstance(node, BoolOp):
        return conjuncts_on(node.left, prop) + conjuncts_on(node.right, prop) if node.op == "and" else []
    if isinstance(node, Comparison) and node.prop.lower() == prop.lower():
        return [node]
    return []


def decided_by(node, props):
    """Whether ``node`` is nothing but comparisons of ``props`` (lower-case names) joined by
    ``-and``: then the narrowing by :func:`conjuncts_on` and :func:`satisfies` decides it."""
    if isinstance(node, BoolOp):
        return node.op == "and" and decided_by(node.left, props) and decided_by(node.right, props)
    return isinstance(node, Comparison) and node.prop.lower() in props


def range_bounds(comparisons):
    """The lowest and highest lower-case text (either None: unbounded) a value meeting every
    range comparison (-ge/-gt/-le/-lt) of ``comparisons`` can have, both inclusive: a value
    between them may still fail a strict bound or another comparison (:func:`satisfies` decides)."""
    low = high = None
    for node in comparisons:
        if node.op not in RANGES or node.value is None:
            continue
        text = _text(node.value).lower()
        if node.op in ("ge", "gt"):
            low = text if low is None else max(low, text)
        else:
            high = text if high is None else min(high, text)
    return low, high


def satisfies(comparisons, value):
    """Whether ``value`` of a property meets every one of ``comparisons`` (from
    :func:`conjuncts_on`): a cheap first narrowing before the whole filter is evaluated."""
    return all(_compare(node, value) for node in comparisons)


def evaluate(node, obj):
    """Whether ``obj`` (a property dict) satisfies the parsed filter ``node``."""
    if isinstance(node, BoolOp):
        if node.op == "and":
            return evaluate(node.left, obj) and evaluate(node.right, obj)
        return evaluate(node.left, obj) or evaluate(node.right, obj)
    if isinstance(node, Not):
        return not evaluate(node.operand, obj)
    return _compare(node, _lookup(obj, node.prop))


def _lookup(obj, name):
    if name in obj:
        return obj[name]
    lowered = name.lower()
    for key, value in obj.items():
        if key.lower() == lowered:
            return value
    return None


def _compare(node, actual):
    if node.op in ("ne", "notlike"):
        positive = Comparison(node.prop, "eq" if node.op == "ne" else "like", node.value)
        return not _compare(positive, actual)
    if node.value is None:
        return actual in (None, "", [])
    if node.op in RANGES and actual in (None, "", []):
        return False
    values = actual if isinstance(actual, list) else [actual]
    return any(_matches(node.op, v, node.value) for v in values)


def _candidates(value):
    # Proxy addresses compare with and without their "smtp:"-style prefix, so that
    # EmailAddresses -eq 'a@contoso.com' finds "SMTP:a@contoso.com".
    text = _text(value)
    yield text
    prefix, sep, rest = text.partition(":")
    if sep and prefix.isalnum() and "@" in rest:
        yield rest


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _matches(op, actual, expected):
    wanted = _text(expected).lower()
    if op in RANGES:
        text = _text(actual).lower()
        return {"lt": text < wanted, "le": text <= wanted, "gt": text > wanted, "ge": text >= wanted}[op]
    for candidate in _candidates(actual):
        candidate = candidate.lower()
        if op == "eq" and candidate == wanted:
            return True
        if op == "like" and fnmatch.fnmatchcase(candidate, _glob(wanted)):
            return True
    return False


def _glob(pattern):
    # OPATH -like knows only "*"; everything else, including fnmatch's "?" and "[", is literal.
    return "".join("*" if ch == "*" else f"[{ch}]" if ch in "?[]" else ch for ch in pattern)
