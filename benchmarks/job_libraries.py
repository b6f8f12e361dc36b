"""Background job libraries, measured for building releases (docs/benchmarks.md, README "Why
these libraries").

    .venv/bin/python benchmarks/job_libraries.py huey-sqlite huey-redis [djq-orm] --jobs 200

For each candidate it enqueues ``--jobs`` jobs from this process, as a web request would, and
times:

* **enqueue**: what a web worker pays per job (median and max, ms);
* **pick-up latency**: from enqueue to the job starting in a worker (median and max, ms);
* **idle cost**: CPU seconds the idle worker burns in 10 s (polling), so what `make run`
  costs a laptop while nobody builds anything.

Candidates: ``huey-sqlite`` (Huey's SQLite storage, its consumer as threads inside this
process: what ``make run`` does), ``huey-redis`` (Huey on Redis at 127.0.0.1:6379, the same
consumer: production), ``djq-orm`` (django-q2 with its ORM broker on SQLite, its ``qcluster``
as a second process, which is how django-q2 runs: needs ``PYTHONPATH`` to a django-q2 install,
e.g. ``pip install --target /tmp/djq django-q2``, it is not a requirement of the project).
Every database is a throwaway file in a temporary directory; nothing of the project's is read.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
STARTS: dict[int, float] = {}


def record_start(job: int, enqueued: float, out: str | None = None) -> None:
    now = time.time()
    if out:  # another process: write it down
        with open(out, "a") as fh:
            fh.write(f"{job} {enqueued} {now}\n")
    else:
        STARTS[job] = now - enqueued


def _summary(name: str, enqueue: list[float], latency: list[float], idle: float) -> str:
    ms = [x * 1000 for x in enqueue]
    lat = [x * 1000 for x in latency]
    return (
        f"{name:12} enqueue median {statistics.median(ms):6.2f} ms (max {max(ms):6.2f}); "
        f"pick-up median {statistics.median(lat):7.1f} ms (max {max(lat):7.1f}); "
        f"idle CPU {idle:.2f} s per 10 s"
    )


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bench_huey(kind: str, jobs: int, tmp: str) -> str:
    import huey

    if kind == "sqlite":
        queue = huey.SqliteHuey("bench", filename=os.path.join(tmp, "huey.db"))
    else:
        queue = huey.RedisHuey("mirps-bench-jobs", host="127.0.0.1", port=6379, db=15)
        queue.flush()
    task = queue.task()(record_start)
    consumer = queue.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        time.sleep(0.5)
        before = _cpu()
        time.sleep(10)
        idle = _cpu() - before
        enqueue = []
        for job in range(jobs):
            t0 = time.time()
            task(job, t0)
            enqueue.append(time.time() - t0)
            time.sleep(0.005)
        deadline = time.time() + 60
        while len(STARTS) < jobs and time.time() < deadline:
            time.sleep(0.05)
        latency = list(STARTS.values())
        STARTS.clear()
    finally:
        consumer.stop(graceful=True)
        if kind != "sqlite":
            queue.flush()
    return _summary(f"huey-{kind}", enqueue, latency, idle)


DJQ_SETTINGS = """
SECRET_KEY = "bench"
INSTALLED_APPS = ["django.contrib.contenttypes", "django_q"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": %(db)r}}
Q_CLUSTER = {"name": "bench", "orm": "default", "workers": 1, "timeout": 60, "retry": 120,
             "poll": 0.2, "sync": False}
USE_TZ = True
"""


def bench_djq(jobs: int, tmp: str) -> str:
    Path(tmp, "djq_bench_settings.py").write_text(DJQ_SETTINGS % {"db": f"{tmp}/djq.db"})
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([tmp, str(HERE.parent), os.environ.get("PYTHONPATH", "")]),
        "DJANGO_SETTINGS_MODULE": "djq_bench_settings",
    }
    run = [sys.executable, "-m", "django"]
    subprocess.run([*run, "migrate", "-v0"], env=env, check=True)
    cluster = subprocess.Popen([*run, "qcluster"], env=env, stderr=subprocess.DEVNULL)
    out = os.path.join(tmp, "starts.txt")
    os.environ.update(env)
    sys.path[:0] = env["PYTHONPATH"].split(os.pathsep)
    import django

    django.setup()
    try:
        from django_q.tasks import async_task

        time.sleep(3)
        cpu0 = _children_cpu(cluster.pid)
        time.sleep(10)
        idle = _children_cpu(cluster.pid) - cpu0
        enqueue = []
        for job in range(jobs):
            t0 = time.time()
            async_task("job_libraries.record_start", job, t0, out)
            enqueue.append(time.time() - t0)
            time.sleep(0.005)
        deadline = time.time() + 120
        while time.time() < deadline:
            if os.path.exists(out) and len(Path(out).read_text().splitlines()) >= jobs:
                break
            time.sleep(0.1)
        latency = [
            float(line.split()[2]) - float(line.split()[1])
            for line in Path(out).read_text().splitlines()
        ]
    finally:
        cluster.terminate()
        cluster.wait(30)
    return _summary("djq-orm", enqueue, latency, idle)


def _children_cpu(pid: int) -> float:
    """CPU seconds of a process and its children, from /proc (Linux)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid = int(fields[1])
        if int(proc.name) == pid or ppid == pid or _ancestor(int(proc.name), pid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _ancestor(pid: int, root: int) -> bool:
    for _ in range(5):
        try:
            pid = int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            return False
        if pid == root:
            return True
        if pid <= 1:
            return False
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", nargs="+", choices=["huey-sqlite", "huey-redis", "djq-orm"])
    parser.add_argument("--jobs", type=int, default=200)
    args = parser.parse_args()
    print(f"{args.jobs} jobs each, one worker; {os.cpu_count()} cores (shared with other work)")
    for name in args.candidates:
        with tempfile.TemporaryDirectory(prefix="mirps_bench_jobs_") as tmp:
            if name == "djq-orm":
                line = bench_djq(args.jobs, tmp)
            else:
                line = bench_huey(name.split("-")[1], args.jobs, tmp)
        print(line, flush=True)


if __name__ == "__main__":
    main()
