"""`python -m hub <command>`: the commands behind `make hub`, `make hub-add`, ... (run as root)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import accounts, course
from .layout import DEFAULT_PREFIX, ROOT, Layout


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m hub", description=__doc__)
    ap.add_argument("--hub-dir", required=True, type=Path, help="the folder that holds everything the hub creates")
    ap.add_argument("--prefix", default=DEFAULT_PREFIX, help="prefix of the students' Unix accounts")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("setup", help="create or reuse the hub folder")
    p = sub.add_parser("sync", help="create an account for every student on the roster (CSV, first column)")
    p.add_argument("roster", type=Path)
    p = sub.add_parser("add", help="add one student")
    p.add_argument("student_id")
    p.add_argument("--password", help="(default: a random one, appended to HUB_DIR/state/initial-passwords.csv)")
    p = sub.add_parser("remove", help="remove one student's account and home (their submissions stay)")
    p.add_argument("student_id")
    p.add_argument("--keep-home", action="store_true")
    sub.add_parser("list", help="the students' accounts")
    for name in ("release", "collect", "grade", "return"):
        p = sub.add_parser(name, help=f"{name} one assignment through the exchange")
        p.add_argument("assignment")
        if name == "grade":
            p.add_argument("--no-sandbox", action="store_true")
    p = sub.add_parser("start", help="start JupyterHub (foreground)")
    p.add_argument("--ip", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    args = ap.parse_args(argv)

    if os.geteuid() != 0:
        sys.exit("make hub: run as root (sudo make hub ...): each student is a Unix account and "
                 "JupyterHub's LocalProcessSpawner starts their server as that user, which needs root.")
    layout = Layout(args.hub_dir.resolve(), args.prefix)
    if args.cmd == "setup":
        course.setup(layout)
    elif args.cmd == "sync":
        added, extra = accounts.sync(layout, args.roster)
        print(f"roster {args.roster}: {len(added)} account(s) added"
              + (f" ({', '.join(added)})" if added else ""))
        if extra:
            print(f"not on the roster (left alone; `make hub-remove STUDENT=<id>` removes one): {', '.join(extra)}")
    elif args.cmd == "add":
        print(accounts.add(layout, args.student_id, args.password))
    elif args.cmd == "remove":
        accounts.remove(layout, args.student_id, args.keep_home)
    elif args.cmd == "list":
        print("\n".join(accounts.students(layout)))
    elif args.cmd == "release":
        course.release(layout, args.assignment)
    elif args.cmd == "collect":
        course.collect(layout, args.assignment)
    elif args.cmd == "grade":
        out = course.grade(layout, args.assignment, sandbox=not args.no_sandbox)
        print(f"grades: {out / 'grades.csv'}")
    elif args.cmd == "return":
        course.return_feedback(layout, args.assignment)
    elif args.cmd == "start":
        course.setup(layout)
        env = dict(os.environ, NNLAB_HUB_DIR=str(layout.hub_dir), NNLAB_HUB_PREFIX=layout.prefix,
                   NNLAB_HUB_IP=args.ip, NNLAB_HUB_PORT=str(args.port))
        os.chdir(layout.state)
        jh = str(Path(sys.executable).parent / "jupyterhub")
        os.execve(jh, [jh, "-f", str(ROOT / "hub" / "jupyterhub_config.py")], env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
