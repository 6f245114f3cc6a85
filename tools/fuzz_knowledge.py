"""Mutate the knowledge data files at random and count how the loader answers (issue 13 item 1).

Each mutation changes one file of a private copy of knowledge/data (a line deleted, duplicated or
truncated; a number made NaN, infinite, negative, huge or boolean; a value replaced; an alias, a
bad byte, an emptied rule list), then loads the copy. Outcomes:
  named      a KnowledgeFileError naming the file (the message the app and the CLI show)
  crash      any other exception (must be 0)
  unchanged  it loaded and 64 seeded cases give the pristine answers (a cosmetic change)
  changed    it loaded and an answer changed (with the manifest check on, must be 0: a silent load
             that changes an output)
`--no-manifest` loads without the manifest check, to show what the validation alone catches.
Runs offline, on a temporary copy; prints one summary line.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import knowledge
from knowledge.loader import DATA_DIR, build_unchecked
from knowledge.manifest import FILES

NUMBER = re.compile(r"(?<=[\s:\[{,])-?\d+(?:\.\d+)?(?=[\s,}\]])")
WEIRD_NUMBERS = (".nan", ".inf", "-.inf", "-1", "1e308", "true", "0", "999999", "1e-320", '"7"')
WEIRD_VALUES = ("[]", "{}", "null", "true", '""', "-1", ".nan", "*x", "&x y", "{when: {}}")


def _cases(n: int = 64, seed: int = 20261130) -> list[dict]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    k = knowledge.load_knowledge()
    out = []
    for _ in range(n):
        case = {}
        for fid in rng.sample(sorted(k.findings), rng.randint(2, 12)):
            f = k.findings[fid]
            if f.type == "boolean":
                case[fid] = rng.random() < 0.4
            elif f.type == "choice":
                case[fid] = rng.choice(list(f.values or ()))
            else:
                case[fid] = round(rng.uniform(f.min or 0, min(f.max or 0, 80)), 1)
        out.append(case)
    return out


def _answers(k: knowledge.Knowledge, cases: list[dict]) -> list[tuple]:
    return [(a.triage, tuple(f.id for f in a.red_flags), tuple((w.step, w.to, w.group) for w in a.workup),
             tuple(round(p, 6) for p in a.probabilities)) for a in (knowledge.assess(c, k) for c in cases)]


def mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    kind = rng.randrange(9)
    if kind == 0 and lines:
        del lines[rng.randrange(len(lines))]
    elif kind == 1 and lines:
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
    elif kind == 2:
        return text[: rng.randrange(max(1, len(text)))]
    elif kind == 3:
        spots = list(NUMBER.finditer(text))
        if spots:
            m = rng.choice(spots)
            return text[: m.start()] + rng.choice(WEIRD_NUMBERS) + text[m.end():]
    elif kind == 4:
        spots = list(re.finditer(r": ([^\n{}\[\]]+)\n", text))
        if spots:
            m = rng.choice(spots)
            return text[: m.start(1)] + rng.choice(WEIRD_VALUES) + text[m.end(1):]
    elif kind == 5:
        return "rules: []\n" if "rules:" in text else ""
    elif kind == 6:
        cut = rng.randrange(max(1, len(text)))
        return text[:cut] + "\udcff" + text[cut:]
    elif kind == 7 and lines:
        i = rng.randrange(len(lines))
        lines[i] = lines[i].replace(":", ": &a", 1)
    elif kind == 8 and lines:
        i = rng.randrange(len(lines))
        lines[i] = "\t" + lines[i]
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-manifest", action="store_true", help="load without the manifest check")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)  # noqa: S311 - reproducible mutations, not security
    cases = _cases()
    pristine = _answers(knowledge.load_knowledge(), cases)
    counts = {"named": 0, "crash": 0, "unchanged": 0, "changed": 0}
    crashes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(DATA_DIR, data)
        for _ in range(args.n):
            name = rng.choice(FILES)
            path = data / name
            original = path.read_bytes()
            text = original.decode("utf-8")
            mutated = mutate(text, rng)
            path.write_bytes(mutated.encode("utf-8", errors="surrogateescape"))
            knowledge.clear_cache()
            try:
                k = build_unchecked(data) if args.no_manifest else knowledge.load_knowledge(data)
            except knowledge.KnowledgeFileError as err:
                counts["named" if err.file else "crash"] += 1
            except Exception as err:
                counts["crash"] += 1
                crashes.append(f"{name}: {type(err).__name__}: {err}"[:200])
            else:
                counts["changed" if _answers(k, cases) != pristine else "unchanged"] += 1
            finally:
                path.write_bytes(original)
    knowledge.clear_cache()
    mode = "without the manifest check" if args.no_manifest else "with the manifest check"
    sys.stdout.write(f"{args.n} knowledge mutations ({mode}): named errors {counts['named']}, crashes {counts['crash']}, "
                     f"loads unchanged {counts['unchanged']}, silent loads that change an output {counts['changed']}\n")
    for line in crashes[:10]:
        sys.stdout.write(f"  crash: {line}\n")
    return 1 if counts["crash"] or (counts["changed"] and not args.no_manifest) else 0


if __name__ == "__main__":
    raise SystemExit(main())
