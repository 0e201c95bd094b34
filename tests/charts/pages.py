"""Reading a chart on a page as a browser would: its SVG's accessible name and marks, and
the rows of its table of numbers."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Chart:
    svg: dict = field(default_factory=dict)  # the drawing's attributes
    title: str = ""
    desc: str = ""
    rects: list[dict] = field(default_factory=list)  # every <rect> of the drawing
    texts: list[str] = field(default_factory=list)  # the drawing's words
    rows: list[list[str]] = field(default_factory=list)  # the table's rows below its head
    paragraphs: list[str] = field(default_factory=list)


class _ChartParser(HTMLParser):
    def __init__(self, chart_id: str):
        super().__init__()
        self.chart_id = chart_id
        self.chart: Chart | None = None
        self._depth = 0  # inside the chart's <figure>
        self._in_drawing = False
        self._in_head = False
        self._text: list[str] | None = None
        self._kind = ""

    def _capture(self, kind: str) -> None:
        self._text, self._kind = [], kind

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and (self._depth or attrs.get("id") == self.chart_id):
            self.chart = self.chart or Chart()
            self._depth += 1
        if not self._depth:
            return
        chart = self.chart
        if tag == "svg" and "chart-svg" in attrs.get("class", ""):
            chart.svg, self._in_drawing = attrs, True
        elif tag == "title" and self._in_drawing and not chart.title:
            self._capture("title")
        elif tag == "desc" and self._in_drawing and not chart.desc:
            self._capture("desc")
        elif tag == "text" and self._in_drawing:
            self._capture("text")
        elif tag == "rect" and self._in_drawing:
            chart.rects.append(attrs)
        elif tag == "p":
            self._capture("p")
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            chart.rows.append([])
        elif tag in ("th", "td") and not self._in_head:
            self._capture(tag)

    def handle_endtag(self, tag):
        if not self._depth:
            return
        if tag == "figure":
            self._depth -= 1
        elif tag == "svg":
            self._in_drawing = False
        elif tag == "thead":
            self._in_head = False
        if self._text is None or tag != self._kind:
            return
        text = " ".join("".join(self._text).split())
        self._text = None
        if tag in ("th", "td"):
            self.chart.rows[-1].append(text)
        elif tag == "text":
            self.chart.texts.append(text)
        elif tag == "p":
            self.chart.paragraphs.append(text)
        else:
            setattr(self.chart, tag, text)

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def chart_on(response, chart_id: str) -> Chart | None:
    """The chart whose <figure> has `chart_id` (fax-days, failing-destinations,
    message-days), or None when the page has none."""
    parser = _ChartParser(chart_id)
    parser.feed(response.content.decode())
    return parser.chart
