"""What the bench/ scripts share: finding the corpus and fic2book, installing the tools
compared with, and timing one command under ``/usr/bin/time -v``.

The scripts are files without a ``.py`` suffix; each puts this folder on ``sys.path``
and imports this module (``bench/run`` also imports ``bench/batch`` through ``load``).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


def corpus() -> Path:
    """The benchmark corpus: ../shared/bench next to the repository, else /work/shared/bench."""
    for candidate in (REPO.parent / "shared" / "bench", Path("/work/shared/bench")):
        if (candidate / "novel.txt").is_file():
            return candidate
    sys.exit("bench: no corpus found (../shared/bench/novel.txt next to the repository)")


def python() -> str:
    """The interpreter of the repository's .venv (where fic2book is installed), else this one."""
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def fic2book_command() -> list[str]:
    """How to run fic2book: $FIC2BOOK, else the repository's .venv, else the one on PATH."""
    if os.environ.get("FIC2BOOK"):
        return os.environ["FIC2BOOK"].split()
    venv = REPO / ".venv" / "bin" / "fic2book"
    if venv.exists():
        return [str(venv)]
    found = shutil.which("fic2book")
    if found:
        return [found]
    sys.exit("bench: fic2book is not installed (pip install -e . in a .venv at the repository root)")


def byte_compile() -> None:
    """Byte-compile src/ first, as pip does when it installs a wheel (PYTHONDONTWRITEBYTECODE may be set here)."""
    subprocess.run([python(), "-m", "compileall", "-q", str(REPO / "src")], check=False, stdout=subprocess.DEVNULL)


def say(message: str) -> None:
    print(f"{Path(sys.argv[0]).name}: {message}", file=sys.stderr, flush=True)


def ensure(command: str, package: str, *, no_recommends: bool = False) -> bool:
    """Whether ``command`` is on PATH, installing the Debian ``package`` with apt-get first if it is missing."""
    if shutil.which(command):
        return True
    say(f"{command} is missing: installing the Debian package {package} with apt-get")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    extra = ["--no-install-recommends"] if no_recommends else []
    try:
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", *extra, package], check=True, env=env,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as exc:
        say(f"could not install {package} ({exc}); its rows are left out")
        return False
    return shutil.which(command) is not None


@dataclass(frozen=True)
class Timing:
    """One command's wall seconds, CPU seconds (user + system) and peak resident memory in MB."""

    wall: float
    cpu: float
    rss: float
    ok: bool = True


_WALL = re.compile(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)")
_USER = re.compile(r"User time \(seconds\): ([\d.]+)")
_SYSTEM = re.compile(r"System time \(seconds\): ([\d.]+)")
_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")


def timed(command: list[str], *, env: dict[str, str] | None = None, check: bool = True, quiet: bool = True) -> Timing:
    """Run ``command`` under ``/usr/bin/time -v``; ``check`` exits on failure, else the Timing says ``ok=False``.

    Peak memory is the largest resident set of the command or of any one process it waited
    for (a shell loop's figure is its biggest conversion, not the sum)."""
    out = subprocess.DEVNULL if quiet else None
    run = subprocess.run(["/usr/bin/time", "-v", *command], stdin=subprocess.DEVNULL, stdout=out,
                         stderr=subprocess.PIPE, text=True, check=False, env=env)  # fmt: skip
    if run.returncode != 0 and check:
        sys.exit(f"bench: {' '.join(command)} failed:\n{run.stderr[-3000:]}")
    wall, user, system, rss = (p.search(run.stderr) for p in (_WALL, _USER, _SYSTEM, _RSS))
    assert wall and user and system and rss, run.stderr[-3000:]
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    return Timing(seconds, float(user.group(1)) + float(system.group(1)), int(rss.group(1)) / 1024, run.returncode == 0)


def median(runs: list[Timing]) -> Timing:
    """The median of each figure over several runs of one command (``ok`` if every run was)."""
    return Timing(*(statistics.median(getattr(t, k) for t in runs) for k in ("wall", "cpu", "rss")), all(t.ok for t in runs))


def parallel_capacity() -> float:
    """How many times one busy process's work two busy processes get done in the same time (1.0 to 2.0)."""
    burn = "s=0\nfor i in range(6_000_000): s += i * i"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", burn], check=False)
    one = time.perf_counter() - started
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", burn]) for _ in range(2)]
    for proc in procs:
        proc.wait()
    two = time.perf_counter() - started
    return 2 * one / two


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def load(name: str) -> ModuleType:
    """Import the bench script ``name`` (a file without a suffix in this folder) as a module."""
    path = Path(__file__).with_name(name)
    loader = importlib.machinery.SourceFileLoader(f"bench_{name}", str(path))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module
