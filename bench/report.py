"""Render benchmark measurements as bench/RESULTS.md."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from timing import Measurement


@dataclass(frozen=True)
class CorpusFacts:
    """Size of one corpus and the files picked for single-file runs."""

    label: str
    source: str
    files: int
    lines: int
    megabytes: float
    prefilter_passed: int
    router_file: str
    plain_file: str


@dataclass(frozen=True)
class CorpusSection:
    """Measurements of every command on one corpus."""

    label: str
    measurements: list[Measurement]
    finding_counts: dict[str, str]
    targets: tuple[tuple[str, str, str, float], ...]


@dataclass(frozen=True)
class ScalingPoint:
    """Measurements on one synthetic corpus size."""

    files: int
    measurements: list[Measurement]


@dataclass(frozen=True)
class PrefilterTiming:
    """Best time of `might_matter` over every file of a corpus."""

    label: str
    files: int
    megabytes: float
    seconds: float


@dataclass(frozen=True)
class CacheTiming:
    """Best times of key hashing and of `get` hits over the same files."""

    label: str
    files: int
    hits: int
    hash_seconds: float
    get_seconds: float


@dataclass(frozen=True)
class Micro:
    """In-process timings of the pre-filter and the result cache."""

    prefilter: list[PrefilterTiming]
    cache: CacheTiming | None


@dataclass(frozen=True)
class Context:
    """Everything one run of bench/run.py measured."""

    started: datetime.datetime
    finished: datetime.datetime
    command_line: str
    runs: int
    warmups: int
    machine: dict[str, str]
    versions: dict[str, str]
    corpora: list[CorpusFacts]
    sections: list[CorpusSection]
    scaling: list[ScalingPoint]
    micro: Micro


def render(context: Context) -> str:
    parts = [
        _header(context),
        _key_values("Machine", context.machine),
        _key_values("Versions", context.versions),
        _corpora(context.corpora),
        *(_section(section) for section in context.sections),
        _scaling(context.scaling),
        _micro(context.micro),
        _commands(context.sections),
    ]
    return "\n".join(part for part in parts if part)


def _header(context: Context) -> str:
    minutes = (context.finished - context.started).total_seconds() / 60
    return (
        "# Benchmark results\n\n"
        f"Written by `{context.command_line}` on {context.started:%Y-%m-%d %H:%M} UTC "
        f"({minutes:.1f} minutes). Each command ran {context.warmups} untimed warm-up "
        f"run(s), then {context.runs} timed runs in alternating rounds; times are "
        "medians of wall-clock seconds. Peak RSS is the largest `ru_maxrss` of the "
        "command's process tree over its runs. Reproduce with the commands in "
        "`bench/README.md`.\n"
    )


def _key_values(title: str, values: dict[str, str]) -> str:
    rows = [f"| {key} | {value} |" for key, value in values.items()]
    return f"## {title}\n\n| | |\n| --- | --- |\n" + "\n".join(rows) + "\n"


def _corpora(corpora: list[CorpusFacts]) -> str:
    header = (
        "## Corpora\n\n"
        "| corpus | source | Python files | lines | MB | files the pre-filter passes | "
        "router file | file without routes |\n"
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |\n"
    )
    rows = [
        f"| {facts.label} | {facts.source} | {facts.files} | {facts.lines} | {facts.megabytes:.2f} | "
        f"{facts.prefilter_passed} ({_percent(facts.prefilter_passed, facts.files)}) | "
        f"`{facts.router_file}` | `{facts.plain_file}` |"
        for facts in corpora
    ]
    return header + "\n".join(rows) + "\n"


def _section(section: CorpusSection) -> str:
    by_label = {measurement.command.label: measurement for measurement in section.measurements}
    return (
        f"## {section.label}\n\n"
        + _medians(section.measurements, section.finding_counts)
        + "\n"
        + _targets(section.targets, by_label)
    )


def _medians(measurements: list[Measurement], counts: dict[str, str]) -> str:
    header = (
        "| command | median s | min s | max s | peak RSS MiB | missing-tenant findings | status |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |\n"
    )
    rows = []
    for measurement in measurements:
        label = measurement.command.label
        if measurement.median is None:
            status = measurement.failure or "no timed run"
            rows.append(f"| {label} | | | | | {counts.get(label, '')} | {_cell(status)} |")
            continue
        rows.append(
            f"| {label} | {measurement.median:.3f} | {min(measurement.seconds):.3f} | "
            f"{max(measurement.seconds):.3f} | {measurement.peak_rss_mib:.0f} | "
            f"{_cell(counts.get(label, ''))} | ok |"
        )
    return header + "\n".join(rows) + "\n"


def _targets(targets, by_label: dict[str, Measurement]) -> str:
    header = (
        "| target | measured s | reference s | ratio | bound | verdict |\n"
        "| --- | ---: | ---: | ---: | ---: | --- |\n"
    )
    rows = []
    for name, measured_label, reference_label, bound in targets:
        measured = _median(by_label, measured_label)
        reference = _median(by_label, reference_label)
        if measured is None or reference is None:
            missing = measured_label if measured is None else reference_label
            rows.append(f"| {name} | | | | {bound:g}x | n/a: no time for {missing} |")
            continue
        ratio = measured / reference
        verdict = "met" if ratio <= bound else "missed"
        rows.append(
            f"| {name} | {measured:.3f} | {reference:.3f} | {ratio:.2f}x | {bound:g}x | {verdict} |"
        )
    return header + "\n".join(rows) + "\n"


def _scaling(points: list[ScalingPoint]) -> str:
    if not points:
        return ""

    labels = [m.command.label for m in points[0].measurements]
    header = (
        "## Scaling (synthetic corpora)\n\n"
        "Median seconds, with milliseconds per 1,000 files in brackets.\n\n"
        "| files | " + " | ".join(labels) + " |\n"
        "| ---: |" + " ---: |" * len(labels) + "\n"
    )
    rows = []
    for point in points:
        by_label = {m.command.label: m for m in point.measurements}
        cells = [_scaling_cell(by_label.get(label), point.files) for label in labels]
        rows.append(f"| {point.files} | " + " | ".join(cells) + " |")
    return header + "\n".join(rows) + "\n\n" + _linearity(points, labels)


def _scaling_cell(measurement: Measurement | None, files: int) -> str:
    if measurement is None or measurement.median is None:
        return _cell(measurement.failure if measurement else "") or "n/a"
    return f"{measurement.median:.3f} ({measurement.median / files * 1e6:.0f})"


def _linearity(points: list[ScalingPoint], labels: list[str]) -> str:
    """Compare the marginal cost per file between the first and the last step of sizes.

    A ratio near 1 means time grows linearly with the number of files;
    above 1 it grows faster than linearly.
    """
    if len(points) < 3:
        return "Linearity needs at least three sizes.\n"

    lines = [
        "Marginal cost per file (seconds added per added file) from the first to the "
        "second size and from the second-to-last to the last size; a ratio near 1 "
        "means linear growth, above 1 faster than linear:\n"
    ]
    for label in labels:
        medians = [_median({m.command.label: m for m in p.measurements}, label) for p in points]
        if any(value is None for value in medians):
            lines.append(f"- {label}: n/a")
            continue
        first = (medians[1] - medians[0]) / (points[1].files - points[0].files)
        last = (medians[-1] - medians[-2]) / (points[-1].files - points[-2].files)
        ratio = f"{last / first:.2f}" if first > 0 else "n/a (no growth in the first step)"
        lines.append(
            f"- {label}: {first * 1e6:.0f} then {last * 1e6:.0f} microseconds per file, ratio {ratio}"
        )
    return "\n".join(lines) + "\n"


def _micro(micro: Micro) -> str:
    lines = ["## Pre-filter and cache (in-process)\n"]
    if micro.prefilter:
        lines.append(
            "`might_matter` over every file of each corpus, best of 10 passes:\n\n"
            "| corpus | files | MB | ms | ms per MB | microseconds per file |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: |"
        )
        for timing in micro.prefilter:
            lines.append(
                f"| {timing.label} | {timing.files} | {timing.megabytes:.2f} | {timing.seconds * 1e3:.2f} | "
                f"{timing.seconds * 1e3 / max(timing.megabytes, 1e-9):.2f} | "
                f"{timing.seconds / max(timing.files, 1) * 1e6:.1f} |"
            )
    if micro.cache is not None:
        cache = micro.cache
        lines.append(
            f"\nResult cache warm path on the first {cache.files} files of {cache.label} "
            f"({cache.hits} hits), best of 5 passes: key hashing alone "
            f"{cache.hash_seconds / cache.files * 1e6:.1f} microseconds per file; "
            f"`get` (hash, read, JSON parse) {cache.get_seconds / cache.files * 1e6:.1f} "
            f"microseconds per file, {cache.get_seconds * 1e3:.1f} ms for all {cache.files}."
        )
    return "\n".join(lines) + "\n"


def _commands(sections: list[CorpusSection]) -> str:
    lines = ["## Commands\n"]
    for section in sections:
        lines.append(f"{section.label}:\n\n```")
        lines.extend(measurement.command.display() for measurement in section.measurements)
        lines.append("```\n")
    return "\n".join(lines)


def _median(by_label: dict[str, Measurement], label: str) -> float | None:
    measurement = by_label.get(label)
    return measurement.median if measurement is not None else None


def _percent(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "n/a"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
