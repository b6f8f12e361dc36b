"""`make upgrade-check`: an upgrade from the previous release loses nothing.

1. Checks out the previous release (``--from``, by default ``UPGRADE_FROM`` of the Makefile)
   into a temporary git worktree (``.venv`` and ``node_modules`` linked from this checkout) and,
   with that release's own code, builds a database: ``migrate``, ``load_plans``,
   ``load_indicators``, ``load_funding``, ``create_demo_users``, ``seed_demo``, then
   ``scripts/upgrade_check_data.py`` (its services write accounts and teams, statuses with
   their history, reviews, uploads, indicator values and links, funding, notifications, audit
   events, evidence files), ``load_plans`` once more (that release puts the pillars' names
   back from the fixtures); then the progress API's answers
   (``scripts/upgrade_check_probe.py``) and ``export_data`` (the old archive).
2. With this checkout's code: ``migrate`` the same database, ``check``, ``export_data`` (the new
   archive), the progress API again, ``load_plans`` (it must change nothing) and one more
   export; and ``import_data`` of the old archive into a second, empty database at the new
   migrations (``backups.archive`` reads an older archive through its tables).
3. Compares (``backups.compare``): every row of the old archive in the new one, field by
   field, models that moved read through ``MOVED``/``RENAMED_FIELDS``/``MERGED`` of
   ``backups/archive.py``; every file by SHA-256; rows per model side by side; the same progress
   figures; ``load_plans`` changing nothing; every row of the old archive in the imported one.

The database: SQLite files in a temporary directory, or, when ``DATABASE_URL`` names a
PostgreSQL server, databases ``mirps_upgrade_check`` and ``mirps_upgrade_check_import`` on it
(``UPGRADE_CHECK_DB`` to name them otherwise), created and dropped by the check. The worktree,
the databases and the files are removed at the end, also on failure (``--keep DIR`` copies the
archives, the figures and the log there first).

Exit status: 0 when everything is found; 1 when rows, files or figures were lost or changed
(what, printed); 2 when a step could not run (its output printed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zipfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_FROM = "6d78e67903876829200955b7600a4bffcc650e3e"  # the Makefile's UPGRADE_FROM
DATA_SCRIPT = BASE_DIR / "scripts" / "upgrade_check_data.py"
PROBE_SCRIPT = BASE_DIR / "scripts" / "upgrade_check_probe.py"
# What the environment must not pass to either release's manage.py: the check sets its own
# database and media, and both releases run with the development key (the archives' signature).
CLEARED = ["DATABASE_URL", "MEDIA_ROOT", "SECRET_KEY", "BACKUP_SIGNING_KEY", "CACHE_URL",
           "DJANGO_SETTINGS_MODULE", "PYTHONPATH", "DEBUG"]  # fmt: skip


class StepFailed(Exception):
    pass


class Log:
    """Every step's output in one file; a step's own output printed when it fails."""

    def __init__(self, path: Path):
        self.path = path
        self.started = time.monotonic()

    def step(self, title: str, command: list[str], *, cwd: Path, env: dict) -> None:
        began = time.monotonic()
        print(f"  {title} ...", end="", flush=True)
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
        output = done.stdout + done.stderr
        with self.path.open("a", encoding="utf-8") as log:
            log.write(f"\n===== {title}: {' '.join(command)} (in {cwd})\n{output}")
        print(f" {time.monotonic() - began:.1f} s")
        if done.returncode != 0:
            raise StepFailed(f"{title} failed (exit {done.returncode}):\n{output[-6000:]}")


# --- the databases -------------------------------------------------------------------------------


class Databases:
    """The check's databases: SQLite files in ``tmp``, or PostgreSQL databases on the server
    ``DATABASE_URL`` names (created here, dropped at the end)."""

    def __init__(self, tmp: Path, url: str | None, name: str):
        self.tmp, self.name = tmp, name
        self.server = None
        if url and urllib.parse.urlsplit(url).scheme.startswith("postgres"):
            self.server = urllib.parse.urlsplit(url)
        elif url and not url.startswith("sqlite"):
            raise StepFailed(f"DATABASE_URL must be PostgreSQL or SQLite, not {url!r}")

    @property
    def vendor(self) -> str:
        return "PostgreSQL" if self.server else "SQLite"

    def url(self, suffix: str = "") -> str:
        if self.server is None:
            return f"sqlite:///{self.tmp / f'{self.name}{suffix}.sqlite3'}"
        return urllib.parse.urlunsplit(self.server._replace(path=f"/{self.name}{suffix}"))

    def _admin(self, statements: list[str]) -> None:
        import psycopg2

        server = self.server
        connection = psycopg2.connect(
            host=server.hostname or "127.0.0.1",
            port=server.port or 5432,
            user=urllib.parse.unquote(server.username or "postgres"),
            password=urllib.parse.unquote(server.password or "") or None,
            dbname="postgres",
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            connection.close()

    def create(self) -> None:
        if self.server is not None:
            self.drop()
            self._admin([f'CREATE DATABASE "{self.name}{s}"' for s in ("", "_import")])

    def drop(self) -> None:
        if self.server is not None:
            self._admin(
                [f'DROP DATABASE IF EXISTS "{self.name}{s}" WITH (FORCE)' for s in ("", "_import")]
            )


# --- the old release's checkout ----------------------------------------------------------------


def git(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", "-C", str(BASE_DIR), *args], capture_output=True, text=True, check=check
    )


def add_worktree(revision: str, path: Path) -> str:
    found = git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", check=False)
    if found.returncode != 0:
        raise StepFailed(
            f"The revision {revision} is not in this repository (a shallow clone? "
            "`git fetch --unshallow` fetches the history)."
        )
    commit = found.stdout.strip()
    added = git("worktree", "add", "--detach", str(path), commit, check=False)
    if added.returncode != 0:
        raise StepFailed(f"git worktree add failed:\n{added.stderr}")
    for name in (".venv", "node_modules"):
        mine = BASE_DIR / name
        if mine.exists() and not (path / name).exists():
            (path / name).symlink_to(mine.resolve(), target_is_directory=True)
    return commit


def remove_worktree(path: Path) -> None:
    if not path.exists():
        return
    if git("worktree", "remove", "--force", str(path), check=False).returncode != 0:
        shutil.rmtree(path, ignore_errors=True)
        git("worktree", "prune", check=False)  # forgets worktrees whose directory is gone


# --- the run -----------------------------------------------------------------------------------


def environment(database_url: str, media: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(
        DJANGO_DEV="1",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        DJANGO_SETTINGS_MODULE="mirps.settings",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def run_file(path: Path) -> list[str]:
    """``manage.py shell`` running a script file of this checkout (in either release's tree)."""
    return ["shell", "-c", f"import runpy; runpy.run_path({str(path)!r}, run_name='__main__')"]


def outputs(tmp: Path) -> dict[str, Path]:
    """What the steps write: the archives and the progress figures."""
    return {name: tmp / name for name in (
        "old.zip", "new.zip", "new-after-load-plans.zip", "imported.zip",
        "progress-old.json", "progress-new.json",
    )}  # fmt: skip


def build_and_upgrade(
    revision: str, tmp: Path, databases: Databases, log: Log, out: dict
) -> str | None:
    """Steps 1 and 2 of the module's docstring, writing ``out``. Returns why ``import_data``
    refused the old archive (a finding, compared with the rest), or None."""
    python = sys.executable
    old_tree = tmp / "old-release"
    env = environment(databases.url(), tmp / "media")
    try:
        commit = add_worktree(revision, old_tree)
        print(f"Previous release {commit[:12]}, checked out in {old_tree}:")

        def old(title, *args, **extra):
            log.step(title, [python, "manage.py", *args], cwd=old_tree, env={**env, **extra})

        old("migrate", "migrate", "--noinput")
        for command in ("load_plans", "load_indicators", "load_funding", "create_demo_users",
                        "seed_demo"):  # fmt: skip
            old(command, command)
        old("the data (its services)", *run_file(DATA_SCRIPT))
        old("load_plans (again)", "load_plans")
        old("progress figures", *run_file(PROBE_SCRIPT),
            UPGRADE_CHECK_PROBE=str(out["progress-old.json"]))  # fmt: skip
        old("export_data", "export_data", str(out["old.zip"]))
    finally:
        remove_worktree(old_tree)

    def new(title, *args, **extra):
        log.step(title, [python, "manage.py", *args], cwd=BASE_DIR, env={**env, **extra})

    print("This checkout, on the same database:")
    new("migrate", "migrate", "--noinput")
    new("check", "check")
    new("export_data", "export_data", str(out["new.zip"]))
    new("progress figures", *run_file(PROBE_SCRIPT),
        UPGRADE_CHECK_PROBE=str(out["progress-new.json"]))  # fmt: skip
    new("load_plans", "load_plans")
    new("export_data", "export_data", str(out["new-after-load-plans.zip"]))
    print("This checkout, the old archive imported into an empty database:")
    env = environment(databases.url("_import"), tmp / "media-import")
    new("migrate", "migrate", "--noinput")
    try:
        new("import_data (old archive)", "import_data", str(out["old.zip"]), *unsigned_flag(out))
    except StepFailed as refused:
        return str(refused)
    new("export_data", "export_data", str(out["imported.zip"]))
    return None


def unsigned_flag(out: dict[str, Path]) -> list[str]:
    """``--unsigned`` for an archive of format version 1 (before archives were signed): the
    check made it itself, a moment ago."""
    with zipfile.ZipFile(out["old.zip"]) as archive:
        version = json.loads(archive.read("manifest.json")).get("version")
    return ["--unsigned"] if version == 1 else []


def first_difference(a, b, path: str = "") -> tuple[str, object, object]:
    """Where two JSON answers first differ (a path such as ``json.groups[2].progress``), and
    the two values there."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys()):
            if a.get(key) != b.get(key):
                return first_difference(a.get(key), b.get(key), f"{path}.{key}".lstrip("."))
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, f"{path}[{index}]")
    return path, a, b


def compare(out: dict, import_refused: str | None) -> bool:
    """Step 3: prints what was compared and what was lost; whether nothing was."""
    from backups.compare import compare as compare_archives
    from backups.compare import read_archive

    old = read_archive(out["old.zip"])
    upgraded = compare_archives(old, read_archive(out["new.zip"]))
    print("\nThe upgraded database against the old one:")
    print(upgraded.report())
    ok = upgraded.ok

    before = json.loads(out["progress-old.json"].read_text(encoding="utf-8"))
    after = json.loads(out["progress-new.json"].read_text(encoding="utf-8"))
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    print(f"\nProgress API: {len(before)} answers before, {len(changed)} differ after.")
    for key in changed[:10]:
        where, was, now = first_difference(before.get(key), after.get(key))
        print(
            f"  {key}: at {where or 'the top'}: {json.dumps(was)[:200]} → {json.dumps(now)[:200]}"
        )
    ok = ok and not changed

    reloaded = compare_archives(
        read_archive(out["new.zip"]), read_archive(out["new-after-load-plans.zip"])
    )
    idempotent = reloaded.ok and not reloaded.only_new
    said = "changed nothing" if idempotent else "CHANGED"
    print(f"\nload_plans on the upgraded database: {said}")
    if not idempotent:
        print(reloaded.report())
    ok = ok and idempotent

    print("\nimport_data of the old archive into an empty database: ", end="")
    if import_refused:
        print(f"REFUSED ({import_refused.strip().splitlines()[-1]})")
        return False
    imported = compare_archives(old, read_archive(out["imported.zip"]))
    print("every row and file found" if imported.ok else "rows or files LOST")
    if not imported.ok:
        print(imported.report())
    return ok and imported.ok


def setup_django(tmp: Path) -> None:
    """This checkout's code, for the comparison (it reads the tables of backups.archive)."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="mirps.settings",
        DJANGO_DEV="1",
        DATABASE_URL=f"sqlite:///{tmp / 'unused.sqlite3'}",  # never opened
    )
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="revision", default=DEFAULT_FROM,
                        help="the previous release (a commit, tag or branch)")  # fmt: skip
    parser.add_argument("--keep", type=Path, help="copy the archives, figures and log here")
    args = parser.parse_args(argv)
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="mirps-upgrade-check-"))
    log = Log(tmp / "upgrade-check.log")
    name = os.environ.get("UPGRADE_CHECK_DB", "mirps_upgrade_check")
    databases = Databases(tmp, os.environ.get("DATABASE_URL"), name)
    print(f"Upgrade check on {databases.vendor} ({databases.url()})")
    out = outputs(tmp)
    try:
        databases.create()
        import_refused = build_and_upgrade(args.revision, tmp, databases, log, out)
        setup_django(tmp)
        ok = compare(out, import_refused)
    except StepFailed as failed:
        print(f"\n{failed}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for path in [*out.values(), log.path]:
                if path.exists():
                    shutil.copy2(path, args.keep / path.name)
        try:
            databases.drop()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nUpgrade check {'passed' if ok else 'FAILED'} in {time.monotonic() - started:.0f} s.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
