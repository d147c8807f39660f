"""Time and peak memory of `casereview rubric check` / `rubric score` on large and hostile inputs.

    python benchmarks/bench_rubric_input.py               # every case below
    python benchmarks/bench_rubric_input.py --mb 20       # the size of the big rubric

Each case runs the real command in a child process and prints its wall time, CPU time (user + system:
less sensitive to a busy machine than wall time), the peak memory of the largest child so far (the big
rubric runs first, so its line is its own peak), the exit code and the last line it printed. The
start-up baseline (`--help`) shows how much of each figure is only starting Python and the command. Targets (issue 11): a 20 MB rubric
checks in <= 30 s and <= 1 GB; hostile inputs end with one clear message and a non-zero exit.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def big_rubric(path: Path, mb: float) -> int:
    """A valid standard of about `mb` MB: many sections of items, each with fixed, per-occurrence and range
    reasons and a condition."""
    out = ["kind: standard", "id: big", "title: 超大评查标准", "applies_to: {case_types: [行政处罚]}",
           "grade_bands: [{name: 优秀, min: 90}, {name: 合格, min: 60}, {name: 不合格, min: 0}]", "sections:"]
    size, n_sections, items_per = 0, 0, 50
    target = int(mb * 1024 * 1024)
    while size < target:
        s = n_sections
        block = [f"  - id: S{s}", f"    title: 第{s}部分 执法程序与文书制作", "    max: 1", "    items:"]
        for i in range(items_per):
            block += [
                f"      - id: S{s}-I{i}", f"        title: 项目{i} 执法文书填写规范、证据材料齐全并按规定归档",
                "        focus: documents", "        max: 1", "        allow_na: true",
                "        applies_when: {any: [{hearing_held: true}, {onsite_verification: true}], not: {waiver: true}}",
                "        guidance: 核对文书的文号、日期、签名与印章是否齐全，逐页核查证据目录与卷内材料是否一致",
                "        deductions:",
                "          - {id: a, reason: 文书未加盖印章, points: 0.5}",
                "          - {id: b, reason: 文书填写每处不规范扣0.1分, per_occurrence: 0.1, cap: 1}",
                "          - {id: c, reason: 证据收集程序不当，每处扣0.1-0.3分, range: {min: 0.1, max: 0.3, per: occurrence}}",
            ]
        text = "\n".join(block) + "\n"
        out.append(text)
        size += len(text.encode())
        n_sections += 1
    out[0:0] = []
    header = "\n".join(out[:6]).replace("sections:", f"total: {n_sections}\npass_line: 60\nsections:")
    path.write_text(header + "\n" + "".join(out[6:]), encoding="utf-8")
    return n_sections * items_per


def alias_bomb(path: Path) -> None:
    text = 'a0: &a0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]\n'
    for i in range(1, 12):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
    path.write_text("kind: standard\n" + text, encoding="utf-8")


def small_standard(path: Path) -> None:
    path.write_text("""kind: standard
id: mini
title: 测试标准
applies_to: {case_types: [行政处罚]}
grade_bands: [{name: 优秀, min: 90}, {name: 合格, min: 60}, {name: 不合格, min: 0}]
sections:
  - id: A
    title: 文书
    max: 100
    items:
      - id: A1
        title: 文书制作
        focus: documents
        max: 100
        deductions:
          - {id: a, reason: 每处不规范, per_occurrence: 1}
""", encoding="utf-8")


def run(label: str, *args: str) -> None:
    cmd = [sys.executable, "-m", "scoring", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=900, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    peak_mb = after.ru_maxrss / 1024
    last = (proc.stderr.strip().splitlines() or proc.stdout.strip().splitlines() or [""])[-1]
    traceback = "Traceback" in proc.stderr
    print(f"{label:<44} {wall:7.2f} s wall {cpu:7.2f} s CPU  peak RSS <= {peak_mb:7.0f} MB  exit {proc.returncode}"
          f"{'  TRACEBACK' if traceback else ''}\n    {last[:150]}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=20)
    ap.add_argument("--only-big", action="store_true", help="only the start-up baseline and the big rubric")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        # Peak RSS of children is cumulative (the largest child so far): run the big case first.
        items = big_rubric(d / "big.yaml", args.mb)
        print(f"big rubric: {(d / 'big.yaml').stat().st_size / 1048576:.1f} MB, {items:,} items")
        run(f"rubric check ({args.mb:g} MB valid standard)", "rubric", "check", str(d / "big.yaml"))
        run("baseline: casereview --help (start-up)", "--help")
        if args.only_big:
            return
        alias_bomb(d / "bomb.yaml")
        run("rubric check (alias bomb, 9^12 expansion)", "rubric", "check", str(d / "bomb.yaml"))
        (d / "deep.yaml").write_text("[" * 100_000 + "]" * 100_000)
        run("rubric check (nesting 100,000 deep)", "rubric", "check", str(d / "deep.yaml"))
        (d / "gbk.yaml").write_bytes("kind: standard\ntitle: 行政处罚\n".encode("gbk"))
        run("rubric check (GBK, not UTF-8)", "rubric", "check", str(d / "gbk.yaml"))
        small_standard(d / "mini.yaml")
        attrs = {"case_type": "行政处罚", "procedure": "一般"}
        many = [{"reason": "a", "page": str(i)} for i in range(700_000)]
        (d / "dups.json").write_text(json.dumps({"file": attrs, "items": {"A1": {"deductions": many}}}))
        run("rubric score (700,000 deductions, one item)", "rubric", "score", str(d / "mini.yaml"),
            str(d / "dups.json"))
        (d / "unknown.json").write_text(json.dumps({"file": attrs, "items": {f"Z{i}": {} for i in range(900_000)}}))
        run("rubric score (900,000 unknown items)", "rubric", "score", str(d / "mini.yaml"), str(d / "unknown.json"))
        (d / "deep.json").write_text("[" * 1_000_000 + "]" * 1_000_000)
        run("rubric score (JSON nested 1,000,000 deep)", "rubric", "score", str(d / "mini.yaml"),
            str(d / "deep.json"))
        run("rubric score (marks path is a folder)", "rubric", "score", str(d / "mini.yaml"), str(d))


if __name__ == "__main__":
    main()
