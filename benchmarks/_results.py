"""The results of a benchmark run: one record per timed contender, printed and written alike.

Every ``bench_*.py`` builds a :class:`Results` while it runs (one :meth:`Results.add` per timed
contender, or :meth:`Results.add_failure` for one that raised) and returns it from
``main(argv)``; it prints its tables from that collection, and ``bench all --write DIR``
writes the same records as reStructuredText tables (``DIR/<bench>.rst``), as JSON
(``DIR/<bench>.json``), a snippet that states the machine, the versions and the date
(``DIR/environment.rst``) and a plot of the ratios (``DIR/ratios.png``). So no figure of the
documentation is typed by hand, and the printed and the written tables hold the same numbers.

A ratio is this contender's time over the reference's time on the same workload: below 1,
this contender is faster. The scikit-learn reference of a workload is its first record of
library ``"scikit-learn"`` unless :meth:`Results.add` names another (``sklearn=``), and
likewise for dask-ml (``dask_ml=``).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import os
import platform
import re
import sys
from pathlib import Path

LIBRARIES = ("dask_scale", "scikit-learn", "dask-ml", "")
NAN = float("nan")


@dataclasses.dataclass(frozen=True)
class Record:
    """One timed contender on one workload."""

    workload: str
    contender: str
    seconds: float = NAN
    vs_sklearn: float = NAN  # seconds / the scikit-learn reference's seconds
    vs_dask_ml: float = NAN  # seconds / the dask-ml reference's seconds
    quality: str = ""
    notes: str = ""
    library: str = ""  # "dask_scale", "scikit-learn", "dask-ml" or "" (anything else)
    error: str = ""  # non-empty: the contender failed with this error

    @property
    def ok(self):
        return not self.error and math.isfinite(self.seconds)


def error_text(exc, limit=160):
    """``Type: message``, first line only, at most ``limit`` characters."""
    lines = f"{type(exc).__name__}: {exc}".strip().splitlines() or [type(exc).__name__]
    text = lines[0]
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Results:
    """The records of one benchmark, in the order they were added.

    Parameters
    ----------
    name : str
        The benchmark's name (``kmeans`` for ``bench_kmeans.py``): the file names written.
    title : str
        A heading for the printed table.
    setup : str, default=""
        What was run: data sizes, parameters, scheduler (printed, and written above the table).
    quick : bool, default=False
        Whether the run used the ``--quick`` sizes.
    """

    def __init__(self, name, title, setup="", quick=False):
        self.name = name
        self.title = title
        self.setup = setup
        self.quick = quick
        self.date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        self.seconds = NAN  # the whole benchmark's wall time, set by bench all
        self._entries = []  # (Record without ratios, sklearn reference, dask-ml reference)
        self._frozen = False  # read back from JSON: the records hold their ratios already

    # -- building -----------------------------------------------------------------------------

    def add(self, workload, contender, seconds, *, library="", quality="", notes="",
            sklearn=None, dask_ml=None):
        """Record ``contender``'s time on ``workload``; ``sklearn`` / ``dask_ml`` name the
        contenders (on the same workload) its ratios are taken against."""
        if library not in LIBRARIES:
            raise ValueError(f"library must be one of {LIBRARIES}, got {library!r}")
        record = Record(
            workload, contender, float(seconds), quality=quality, notes=notes, library=library
        )
        self._entries.append((record, sklearn, dask_ml))
        return record

    def add_failure(self, workload, contender, exc, *, library="", notes=""):
        """Record that ``contender`` raised ``exc`` (or failed for the reason ``exc``, a str)."""
        text = exc if isinstance(exc, str) else error_text(exc)
        record = Record(workload, contender, notes=notes, library=library, error=text)
        self._entries.append((record, None, None))
        return record

    # -- reading ------------------------------------------------------------------------------

    def _reference(self, workload, library, name):
        for record, _, _ in self._entries:
            if record.workload != workload:
                continue
            if (name is None and record.library == library) or record.contender == name:
                return record
        if name is not None:
            raise ValueError(f"{workload!r} has no contender named {name!r}")
        return None

    @property
    def records(self):
        """The records, with their ratios to the references of their workload."""
        if self._frozen:
            return [record for record, _, _ in self._entries]
        out = []
        for record, sk_name, dml_name in self._entries:
            ratios = {}
            for field, library, name in (
                ("vs_sklearn", "scikit-learn", sk_name), ("vs_dask_ml", "dask-ml", dml_name)
            ):
                ref = self._reference(record.workload, library, name)
                if record.ok and ref is not None and ref.ok and ref.seconds > 0:
                    ratios[field] = record.seconds / ref.seconds
            out.append(dataclasses.replace(record, **ratios))
        return out

    def get(self, workload, contender):
        """The record of ``contender`` on ``workload`` (ratios included), or None."""
        for record in self.records:
            if record.workload == workload and record.contender == contender:
                return record
        return None

    @property
    def workloads(self):
        return list(dict.fromkeys(r.workload for r, _, _ in self._entries))

    # -- printing -----------------------------------------------------------------------------

    def print(self, file=None):
        """A plain-text table of the records, grouped by workload."""
        file = file or sys.stdout
        print(f"\n{self.title}", file=file)
        if self.setup:
            print(f"  {self.setup}", file=file)
        width = max([len(r.contender) for r, _, _ in self._entries] + [9])
        head = f"  {'contender':<{width}} {'time':>10} {'x sklearn':>9} {'x dask-ml':>9}  quality"
        for workload in self.workloads:
            print(f"{workload}\n{head}", file=file)
            for r in self.records:
                if r.workload != workload:
                    continue
                line = (
                    f"  {r.contender:<{width}} {format_seconds(r):>10} "
                    f"{format_ratio(r.vs_sklearn):>9} {format_ratio(r.vs_dask_ml):>9}  "
                    f"{r.quality}"
                )
                notes = "; ".join(t for t in (r.notes, f"failed: {r.error}" if r.error else "")
                                  if t)
                print(line.rstrip() + (f"  ({notes})" if notes else ""), file=file)
        file.flush()

    # -- serialising --------------------------------------------------------------------------

    def to_dict(self):
        return {
            "name": self.name, "title": self.title, "setup": self.setup, "quick": self.quick,
            "date": self.date, "seconds": self.seconds,
            "records": [dataclasses.asdict(r) for r in self.records],
        }

    @classmethod
    def from_dict(cls, data):
        """A read-only copy of a written run (the ratios as they were computed then)."""
        out = cls(data["name"], data["title"], data["setup"], data["quick"])
        out.date, out.seconds = data["date"], data["seconds"]
        out._entries = [(Record(**r), None, None) for r in data["records"]]
        out._frozen = True
        return out


def failed_run(name, exc, quick=False):
    """The Results of a benchmark that raised before it returned any."""
    out = Results(name, f"{name}: failed", quick=quick)
    out.add_failure("the whole benchmark", f"bench {name}", exc)
    return out


# ---------------------------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------------------------


def format_seconds(record):
    if record.error:
        return "failed"
    t = record.seconds
    if not math.isfinite(t):
        return "-"
    if t >= 100:
        return f"{t:.0f} s"
    if t >= 1:
        return f"{t:.2f} s"
    if t >= 0.01:
        return f"{t:.3f} s"
    return f"{t * 1e3:.2f} ms"


def format_ratio(ratio):
    if not math.isfinite(ratio):
        return "-"
    return f"{ratio:.3g}x"


_TRAILING_UNDERSCORE = re.compile(r"(?<=\w)_(?=\W|$)")


def rst_text(text):
    """``text`` as plain reStructuredText: markup characters escaped, on one line."""
    text = " ".join(str(text).split())
    text = text.replace("\\", "\\\\")
    for char in "*`|":
        text = text.replace(char, "\\" + char)
    return _TRAILING_UNDERSCORE.sub(r"\\_", text)


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------


def rst_table(results):
    """The records of ``results`` as a reStructuredText ``list-table`` (with its preamble)."""
    size = "quick" if results.quick else "full"
    lines = [
        f"Run of {results.date}, {size} sizes"
        + (f", {results.seconds:.0f} s in all" if math.isfinite(results.seconds) else "")
        + (f": {rst_text(results.setup)}" if results.setup else "") + ".",
        "",
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 18 30 10 10 10 22",
        "",
        "   * - workload",
        "     - contender",
        "     - time",
        "     - x scikit-learn",
        "     - x dask-ml",
        "     - quality, notes",
    ]
    previous = None
    for r in results.records:
        notes = "; ".join(
            t for t in (r.quality, r.notes, f"failed: {r.error}" if r.error else "") if t
        )
        cells = [
            rst_text(r.workload) if r.workload != previous else "",
            rst_text(r.contender),
            format_seconds(r),
            format_ratio(r.vs_sklearn),
            format_ratio(r.vs_dask_ml),
            rst_text(notes),
        ]
        previous = r.workload
        lines.append(f"   * - {cells[0]}".rstrip())
        lines += [f"     - {c}".rstrip() for c in cells[1:]]
    return "\n".join(lines) + "\n"


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _version(module):
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:  # noqa: BLE001 - not installed, or no metadata
        return "not installed"


def environment(quick, command=None):
    """The machine, the versions and the date of a run, as a dict of short strings."""
    try:
        import psutil

        ram = f"{psutil.virtual_memory().total / 2**30:.1f} GiB"
    except ImportError:
        ram = "unknown"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    env = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "sizes": "quick (--quick: small sizes, a smoke run)" if quick else "full",
        "CPU": f"{_cpu_model()}, {os.cpu_count()} logical cores ({usable} usable)",
        "RAM": ram,
        "OS": platform.platform(),
        "Python": platform.python_version(),
    }
    for label, dist in (
        ("dask_scale", "dask_scale"), ("NumPy", "numpy"), ("dask", "dask"),
        ("distributed", "distributed"), ("numba", "numba"), ("scikit-learn", "scikit-learn"),
        ("dask-ml", "dask-ml"),
    ):
        env[label] = _version(dist)
    if command:
        env["command"] = command
    return env


def environment_rst(env, runs):
    """``env`` and the list of benchmark runs in ``DIR`` as a reStructuredText snippet."""
    lines = [".. list-table::", "   :widths: 20 80", ""]
    for key, value in env.items():
        shown = f"``{value}``" if key == "command" else rst_text(value)
        lines += [f"   * - {key}", f"     - {shown}"]
    lines += ["", "The tables below come from these runs:", ""]
    for run in runs:
        size = "quick" if run.quick else "full"
        failed = sum(1 for r in run.records if r.error)
        extra = f", {failed} failed contender(s)" if failed else ""
        lines.append(f"- ``{run.name}``: {run.date}, {size} sizes{extra}")
    return "\n".join(lines) + "\n"


def plot_ratios(runs, path):
    """A log-scale bar plot of dask_scale's time over scikit-learn's and over dask-ml's."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    labels, vs_sk, vs_dml = [], [], []
    for run in runs:
        for r in run.records:
            if r.library != "dask_scale" or not r.ok:
                continue
            if not (math.isfinite(r.vs_sklearn) or math.isfinite(r.vs_dask_ml)):
                continue
            # the contender without the library's name ("dask_scale, threads" -> "threads")
            contender = r.contender.removeprefix("dask_scale").strip(" :,")
            label = f"{run.name}: {r.workload}"
            labels.append(f"{label} / {contender}" if contender else label)
            vs_sk.append(r.vs_sklearn)
            vs_dml.append(r.vs_dask_ml)
    height = max(2.5, 0.32 * len(labels) + 1.2)
    fig, ax = plt.subplots(figsize=(9, height), layout="constrained")
    ys = list(range(len(labels)))
    shown = []
    for offset, values, name, color in (
        (-0.2, vs_sk, "dask_scale / scikit-learn", "tab:blue"),
        (0.2, vs_dml, "dask_scale / dask-ml", "tab:orange"),
    ):
        pts = [(y + offset, v) for y, v in zip(ys, values, strict=True)
               if math.isfinite(v) and v > 0]
        if pts:
            # bars from 1 to the ratio: to the left, dask_scale is faster
            ax.barh([p[0] for p in pts], [p[1] - 1.0 for p in pts], height=0.4, left=1.0,
                    color=color, label=name)
            shown += [p[1] for p in pts]
    ax.set_xscale("log")
    low, high = min(shown + [1.0]), max(shown + [1.0])
    ax.set_xlim(low / 1.6, high * 1.6)
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_yticks(ys, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("time ratio (log scale; below 1: dask_scale is faster)")
    if labels:
        ax.legend(loc="best", fontsize=8)
    else:
        ax.text(0.5, 0.5, "no ratio in these runs", transform=ax.transAxes, ha="center")
    dates = sorted({run.date for run in runs})
    sizes = sorted({"quick" if run.quick else "full" for run in runs})
    span = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}" if dates else ""
    ax.set_title(f"Time ratios per workload\n({'/'.join(sizes)} sizes, {span})", fontsize=9,
                 loc="left")
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(results, directory, command=None):
    """Write ``results`` (a list of Results) under ``directory``; the environment snippet and
    the plot cover every ``*.json`` run found there (this run's and earlier ones')."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for run in results:
        (directory / f"{run.name}.rst").write_text(rst_table(run))
        (directory / f"{run.name}.json").write_text(json.dumps(run.to_dict(), indent=1) + "\n")
    runs = [
        Results.from_dict(json.loads(p.read_text())) for p in sorted(directory.glob("*.json"))
    ]
    quick = any(run.quick for run in results)
    (directory / "environment.rst").write_text(environment_rst(environment(quick, command), runs))
    plot_ratios(runs, directory / "ratios.png")
    return sorted(p.name for p in directory.iterdir())
