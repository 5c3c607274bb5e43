"""Benchmark tenantlint against its peers and write bench/RESULTS.md.

Standard library only; run it with the project's interpreter:

    .venv/bin/python bench/run.py --synthetic 2000 --corpus /tmp/corpora/mealie

See bench/README.md for what is measured and how to install the peers.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPOSITORY = BENCH.parent
sys.path.insert(1, str(REPOSITORY))

import report  # noqa: E402  (bench/report.py, found through the script's folder)
import synthetic  # noqa: E402
from timing import OK_STATUSES, TRACEBACK, Command, last_line, measure  # noqa: E402

from tenantlint.cache import ResultCache  # noqa: E402
from tenantlint.prefilter import might_matter  # noqa: E402

CORPORA = BENCH / "corpora"
WORK = BENCH / ".work"
RULES = BENCH / "rules"
DEPENDENCY = "get_current_tenant_id"
PARAMETER = "tenant_id"

CHECK_COLD = "tenantlint check --no-cache"
CHECK_WARM = "tenantlint check (warm cache)"
CHECK_ROUTER = "tenantlint check, one router file"
CHECK_PLAIN = "tenantlint check, one file without routes"
FIX_DIFF = "tenantlint fix --diff --no-cache"
RUFF = "ruff check --select E,F"
AST_GREP = "ast-grep scan (rule)"
SEMGREP = "semgrep scan (rule)"
FIXIT = "fixit lint (rule)"
IMPORT_LIBCST = 'python -c "import libcst"'
PYTHON_PASS = 'python -c "pass"'

# (name, measured label, reference label, bound): the ratio measured /
# reference must not exceed the bound. "Much faster" for a file without
# routes is read as at most half the cost of importing libcst.
TARGETS = (
    ("cold `check` no slower than the ast-grep rule", CHECK_COLD, AST_GREP, 1.0),
    ("warm `check` within 2x of ruff's cold `--select E,F`", CHECK_WARM, RUFF, 2.0),
    ("`check` of one router file within 1.2x of `import libcst`", CHECK_ROUTER, IMPORT_LIBCST, 1.2),
    ("`check` of one file without routes much faster than `import libcst`", CHECK_PLAIN, IMPORT_LIBCST, 0.5),
    ("`fix --diff` no more than 1.5x cold `check`", FIX_DIFF, CHECK_COLD, 1.5),
)
PEERS = ("ruff", "ast-grep", "semgrep", "fixit")
ROUTE_DECORATOR = re.compile(rb"^\s*@\w+\.(?:get|post|put|patch|delete)\(", re.MULTILINE)


@dataclass(frozen=True)
class Corpus:
    """A folder of Python files to benchmark on."""

    label: str
    root: Path
    source: str
    files: tuple[Path, ...]


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=2000, metavar="N",
                        help="files in the synthetic corpus; 0 skips it (default: 2000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic corpora (default: 1)")
    parser.add_argument("--corpus", type=Path, action="append", default=[], metavar="PATH",
                        help="a local checkout to benchmark on; repeat for several")
    parser.add_argument("--scaling", default="", metavar="N,N,...",
                        help="synthetic corpus sizes for the scaling series, e.g. 1000,5000,20000")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command (default: 5)")
    parser.add_argument("--warmups", type=int, default=1, help="untimed runs before timing (default: 1)")
    parser.add_argument("--scaling-runs", type=int, default=3,
                        help="timed runs of each command per scaling size (default: 3)")
    parser.add_argument("--peers", default=",".join(PEERS),
                        help=f"peers to run when installed (default: {','.join(PEERS)})")
    parser.add_argument("--peers-venv", type=Path, default=Path("/tmp/bench-peers-venv"),
                        help="virtual environment searched for the peers before PATH")
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter that runs tenantlint and the baselines (default: this one)")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md",
                        help="Markdown file to write (default: bench/RESULTS.md)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    arguments = parse_arguments(argv)
    started = datetime.datetime.now(datetime.timezone.utc)
    peers = find_peers(arguments.peers.split(","), arguments.peers_venv)
    corpora = load_corpora(arguments)

    sections = []
    for corpus in corpora:
        log(f"measuring {corpus.label} ({len(corpus.files)} files)")
        commands = corpus_commands(corpus, arguments.python, peers)
        measurements = measure(commands, arguments.runs, arguments.warmups)
        counts = count_findings(corpus, arguments.python, peers)
        sections.append(report.CorpusSection(corpus.label, measurements, counts, TARGETS))

    scaling = measure_scaling(arguments, peers)
    micro = measure_micro(corpora)
    machine = machine_facts(arguments.python)
    machine["load average at end"] = _load_average()
    document = report.render(
        report.Context(
            started=started,
            finished=datetime.datetime.now(datetime.timezone.utc),
            command_line=" ".join(["bench/run.py", *argv]),
            runs=arguments.runs,
            warmups=arguments.warmups,
            machine=machine,
            versions=tool_versions(arguments.python, peers),
            corpora=[corpus_facts(corpus) for corpus in corpora],
            sections=sections,
            scaling=scaling,
            micro=micro,
        )
    )
    arguments.output.write_text(document)
    log(f"wrote {arguments.output}")
    return 0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# Peers --------------------------------------------------------------------

def find_peers(names: list[str], venv: Path) -> dict[str, str]:
    """Return the executable of each requested peer that is installed."""
    executables = {"ruff": "ruff", "ast-grep": "ast-grep", "semgrep": "semgrep", "fixit": "fixit"}
    found = {}
    for name in names:
        if name not in executables:
            raise SystemExit(f"unknown peer {name!r}; choose from {', '.join(PEERS)}")
        local = venv / "bin" / executables[name]
        path = str(local) if local.is_file() else shutil.which(executables[name])
        if path:
            found[name] = path
        else:
            log(f"{name} not found in {venv}/bin or on PATH; skipping it")
    return found


def peer_commands(corpus: Corpus, peers: dict[str, str]) -> list[Command]:
    commands = []
    if "ruff" in peers:
        argv = (peers["ruff"], "check", "--isolated", "--no-cache", "--select", "E,F", "--quiet", ".")
        commands.append(Command(RUFF, argv, corpus.root))
    if "ast-grep" in peers:
        argv = (peers["ast-grep"], "scan", "--rule", str(RULES / "missing-tenant-dependency.ast-grep.yml"), ".")
        commands.append(Command(AST_GREP, argv, corpus.root))
    if "semgrep" in peers:
        commands.append(Command(SEMGREP, semgrep_argv(peers["semgrep"]), corpus.root, SEMGREP_ENV))
    if "fixit" in peers:
        argv = (peers["fixit"], "--rules", "fixit_tenant_rule", "lint", ".")
        commands.append(Command(FIXIT, argv, corpus.root, (("PYTHONPATH", str(RULES)),)))
    return commands


# Semgrep 1.187 checks for a new version over the network, even for
# `--version`, unless these turn it off. With both set it sends nothing off
# the machine (checked with strace: no connect outside AF_UNIX).
SEMGREP_ENV = (("SEMGREP_SEND_METRICS", "off"), ("SEMGREP_ENABLE_VERSION_CHECK", "0"))


def semgrep_argv(executable: str, *extra: str) -> tuple[str, ...]:
    rule = str(RULES / "missing-tenant-dependency.semgrep.yml")
    return (executable, "scan", "--config", rule, "--metrics=off", "--disable-version-check",
            "--quiet", *extra, ".")


# Corpora ------------------------------------------------------------------

def load_corpora(arguments: argparse.Namespace) -> list[Corpus]:
    corpora = []
    if arguments.synthetic:
        root = synthetic.ensure_corpus(CORPORA, arguments.synthetic, arguments.seed)
        source = f"synthetic, {arguments.synthetic} files, seed {arguments.seed}"
        corpora.append(make_corpus(root.name, root, source))
    for path in arguments.corpus:
        root = path.resolve()
        if not root.is_dir():
            raise SystemExit(f"--corpus {path}: not a folder")
        corpora.append(make_corpus(root.name, root, describe_checkout(root)))
    return corpora


def make_corpus(label: str, root: Path, source: str) -> Corpus:
    files = tuple(sorted(path for path in root.rglob("*.py") if not _hidden(path, root)))
    return Corpus(label, root, source, files)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def describe_checkout(root: Path) -> str:
    result = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"],
                            capture_output=True, text=True, check=False)
    if result.returncode == 0:
        return f"git checkout at {result.stdout.strip()}"
    return "local folder (no git metadata)"


def pick_router_file(corpus: Corpus) -> Path | None:
    """Return the median-sized file among those with route decorators."""
    routed = [path for path in corpus.files if ROUTE_DECORATOR.search(path.read_bytes())]
    return _median_sized(routed)


def pick_plain_file(corpus: Corpus) -> Path | None:
    """Return the median-sized file among those the pre-filter skips."""
    plain = [path for path in corpus.files if not might_matter(path.read_bytes(), DEPENDENCY, PARAMETER)]
    return _median_sized(plain)


def _median_sized(paths: list[Path]) -> Path | None:
    if not paths:
        return None
    ordered = sorted(paths, key=lambda path: (path.stat().st_size, str(path)))
    return ordered[len(ordered) // 2]


def corpus_facts(corpus: Corpus) -> report.CorpusFacts:
    contents = [path.read_bytes() for path in corpus.files]
    passed = sum(might_matter(data, DEPENDENCY, PARAMETER) for data in contents)
    router = pick_router_file(corpus)
    plain = pick_plain_file(corpus)
    return report.CorpusFacts(
        label=corpus.label,
        source=corpus.source,
        files=len(contents),
        lines=sum(data.count(b"\n") for data in contents),
        megabytes=sum(map(len, contents)) / 1e6,
        prefilter_passed=passed,
        router_file=str(router.relative_to(corpus.root)) if router else "none",
        plain_file=str(plain.relative_to(corpus.root)) if plain else "none",
    )


# Commands -----------------------------------------------------------------

def tenantlint_argv(python: str, *arguments: str) -> tuple[str, ...]:
    return (python, "-m", "tenantlint", *arguments)


def corpus_commands(corpus: Corpus, python: str, peers: dict[str, str]) -> list[Command]:
    cache = WORK / "cache" / corpus.label
    shutil.rmtree(cache, ignore_errors=True)
    commands = [
        Command(CHECK_COLD, tenantlint_argv(python, "check", "--no-cache", "."), corpus.root),
        Command(CHECK_WARM, tenantlint_argv(python, "check", "--cache-dir", str(cache), "."), corpus.root),
        Command(FIX_DIFF, tenantlint_argv(python, "fix", "--diff", "--no-cache", "."), corpus.root),
    ]
    router = pick_router_file(corpus)
    if router is not None:
        argv = tenantlint_argv(python, "check", "--no-cache", str(router.relative_to(corpus.root)))
        commands.append(Command(CHECK_ROUTER, argv, corpus.root))
    plain = pick_plain_file(corpus)
    if plain is not None:
        argv = tenantlint_argv(python, "check", "--no-cache", str(plain.relative_to(corpus.root)))
        commands.append(Command(CHECK_PLAIN, argv, corpus.root))

    commands += peer_commands(corpus, peers)
    commands.append(Command(IMPORT_LIBCST, (python, "-c", "import libcst"), corpus.root))
    commands.append(Command(PYTHON_PASS, (python, "-c", "pass"), corpus.root))
    return commands


def count_findings(corpus: Corpus, python: str, peers: dict[str, str]) -> dict[str, str]:
    """Count what each tool reports for the missing tenant dependency, as a sanity check.

    tenantlint's count is its `TL101` findings. Counts run once, untimed.
    """
    counters = {CHECK_COLD: lambda: _count_tenantlint(corpus, python)}
    if "ast-grep" in peers:
        counters[AST_GREP] = lambda: _count_ast_grep(corpus, peers["ast-grep"])
    if "semgrep" in peers:
        counters[SEMGREP] = lambda: _count_semgrep(corpus, peers["semgrep"])
    if "fixit" in peers:
        counters[FIXIT] = lambda: _count_fixit(corpus, peers["fixit"])

    counts = {}
    for label, counter in counters.items():
        try:
            counts[label] = str(counter())
        except (OSError, ValueError, KeyError, TypeError) as error:
            counts[label] = f"failed: {error}"
    return counts


def _stdout(argv: tuple[str, ...], cwd: Path, env: tuple[tuple[str, str], ...] = ()) -> str:
    result = subprocess.run(argv, cwd=cwd, env={**os.environ, **dict(env)},
                            capture_output=True, text=True, check=False)
    if result.returncode not in OK_STATUSES or TRACEBACK in result.stderr:
        raise ValueError(f"exit {result.returncode}: {last_line(result.stderr) or 'no stderr'}")
    return result.stdout


def _count_tenantlint(corpus: Corpus, python: str) -> int:
    findings = json.loads(_stdout(tenantlint_argv(python, "check", "--no-cache", "--format", "json", "."), corpus.root))
    return sum(1 for finding in findings if finding["code"] == "TL101")


def _count_ast_grep(corpus: Corpus, executable: str) -> int:
    rule = str(RULES / "missing-tenant-dependency.ast-grep.yml")
    return len(json.loads(_stdout((executable, "scan", "--rule", rule, "--json=compact", "."), corpus.root)))


def _count_semgrep(corpus: Corpus, executable: str) -> int:
    output = _stdout(semgrep_argv(executable, "--json"), corpus.root, SEMGREP_ENV)
    return len(json.loads(output)["results"])


def _count_fixit(corpus: Corpus, executable: str) -> int:
    output = _stdout((executable, "--rules", "fixit_tenant_rule", "lint", "."), corpus.root,
                     (("PYTHONPATH", str(RULES)),))
    return sum(1 for line in output.splitlines() if "MissingTenantDependency" in line)


# Scaling ------------------------------------------------------------------

def measure_scaling(arguments: argparse.Namespace, peers: dict[str, str]) -> list[report.ScalingPoint]:
    sizes = [int(size) for size in arguments.scaling.split(",") if size.strip()]
    points = []
    for size in sizes:
        root = synthetic.ensure_corpus(CORPORA, size, arguments.seed)
        corpus = make_corpus(root.name, root, "synthetic")
        log(f"scaling: {size} files")
        commands = corpus_commands(corpus, arguments.python, peers)
        scaled_labels = {CHECK_COLD, CHECK_WARM, RUFF, AST_GREP}
        scaled = [command for command in commands if command.label in scaled_labels]
        measurements = measure(scaled, arguments.scaling_runs, 1)
        points.append(report.ScalingPoint(size, measurements))
    return points


# Micro-benchmarks ---------------------------------------------------------

def measure_micro(corpora: list[Corpus]) -> report.Micro:
    """Time the pre-filter per MB on each corpus and the cache's warm path on 1,000 files."""
    prefilter = [_time_prefilter(corpus) for corpus in corpora]
    largest = max(corpora, key=lambda corpus: len(corpus.files), default=None)
    cache = _time_cache(largest) if largest is not None else None
    return report.Micro(prefilter, cache)


def _time_prefilter(corpus: Corpus) -> report.PrefilterTiming:
    contents = [path.read_bytes() for path in corpus.files]
    megabytes = sum(map(len, contents)) / 1e6
    best = _best_of(10, lambda: [might_matter(data, DEPENDENCY, PARAMETER) for data in contents])
    return report.PrefilterTiming(corpus.label, len(contents), megabytes, best)


def _time_cache(corpus: Corpus) -> report.CacheTiming:
    files = corpus.files[:1000]
    contents = [(str(path.relative_to(corpus.root)), path.read_bytes()) for path in files]
    payload = {"findings": [SAMPLE_FINDING] * 3, "endpoints": 4}
    directory = WORK / "micro-cache"
    shutil.rmtree(directory, ignore_errors=True)
    cache = ResultCache(directory, "bench", "0" * 64)
    for path, data in contents:
        cache.put(path, data, payload)

    hash_only = _best_of(5, lambda: [cache.key(path, data) for path, data in contents])
    warm = _best_of(5, lambda: [cache.get(path, data) for path, data in contents])
    hits = sum(cache.get(path, data) is not None for path, data in contents)
    shutil.rmtree(directory, ignore_errors=True)
    return report.CacheTiming(corpus.label, len(contents), hits, hash_only, warm)


SAMPLE_FINDING = {
    "code": "TL201", "severity": "error", "path": "app/api/routers/items.py", "line": 42,
    "column": 9, "function": "list_items", "route": "GET /items", "priority": None,
    "message": "TL201 Log call lacks the tenant prefix `[Tenant: {tenant_id}]`; start the message with it.",
    "fixable": True,
}


def _best_of(repeats: int, action) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


# Machine and versions -----------------------------------------------------

def _load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


# Read at import, before any benchmark adds its own load.
load_average_at_start = _load_average()


def machine_facts(python: str) -> dict[str, str]:
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "load average at start": load_average_at_start,
        "Python": _first_line((python, "--version")),
        "OS": _os_name(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or "unknown"


def _os_name() -> str:
    import platform

    try:
        release = dict(
            line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line
        )
        name = release.get("PRETTY_NAME", "").strip('"')
    except OSError:
        name = ""
    return f"{name or platform.system()} (kernel {platform.release()})"


LIBCST_VERSION_PROBE = "import importlib.metadata as m; print(m.version('libcst'))"


def tool_versions(python: str, peers: dict[str, str]) -> dict[str, str]:
    versions = {
        "tenantlint": _first_line(tenantlint_argv(python, "--version")),
        "libcst (tenantlint)": _first_line((python, "-c", LIBCST_VERSION_PROBE)),
    }
    for name, executable in peers.items():
        env = SEMGREP_ENV if name == "semgrep" else ()
        versions[name] = _first_line((executable, "--version"), env)
    if "fixit" in peers:
        peer_python = Path(peers["fixit"]).parent / "python"
        versions["libcst (fixit)"] = _first_line((str(peer_python), "-c", LIBCST_VERSION_PROBE))
    return versions


def _first_line(argv: tuple[str, ...], env: tuple[tuple[str, str], ...] = ()) -> str:
    try:
        result = subprocess.run(argv, env={**os.environ, **dict(env)}, capture_output=True,
                                text=True, check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unavailable ({error})"
    lines = (result.stdout or result.stderr).strip().splitlines()
    if result.returncode != 0:
        return f"failed (exit {result.returncode}): {lines[-1] if lines else 'no output'}"
    return lines[0] if lines else "unknown"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
