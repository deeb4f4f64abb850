"""Print synthetic identity and card numbers with correct check digits.

Used once to fill the labelled corpus (corpus.txt); an implementation of the
check digits independent of cx (Python, straight from the standards):

* GB 11643-1999 / ISO 7064:2003 MOD 11-2: weights 2^(17-i) mod 11,
  check = (12 - sum mod 11) mod 11, 10 written "X".
* ISO/IEC 7812-1 Annex B (Luhn).

The numbers are random (seeded), not those of real people or real cards.
Usage: python3 make_values.py
"""

import random

AREAS = [
    "110105",
    "310104",
    "440305",
    "330106",
    "510107",
    "420106",
    "320102",
    "370202",
    "500103",
    "610113",
    "210102",
    "350203",
    "430104",
    "120101",
]


def id_check(d17: str) -> str:
    s = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(d17))
    v = (12 - s % 11) % 11
    return "X" if v == 10 else str(v)


def luhn_ok(num: str) -> bool:
    tot = 0
    for i, c in enumerate(reversed(num)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        tot += d
    return tot % 10 == 0


def luhn_complete(prefix: str) -> str:
    for d in "0123456789":
        if luhn_ok(prefix + d):
            return prefix + d
    raise AssertionError


def birth(rng: random.Random, lo=1950, hi=2005) -> str:
    y = rng.randint(lo, hi)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    return f"{y:04d}{m:02d}{d:02d}"


def main() -> None:
    rng = random.Random(20240301)
    print("# id18 (valid)")
    for _ in range(40):
        d17 = rng.choice(AREAS) + birth(rng) + f"{rng.randint(0, 999):03d}"
        print(d17 + id_check(d17))
    print("# id18 (wrong check digit)")
    for _ in range(12):
        d17 = rng.choice(AREAS) + birth(rng) + f"{rng.randint(0, 999):03d}"
        good = id_check(d17)
        bad = rng.choice([c for c in "0123456789X" if c != good])
        print(d17 + bad)
    print("# id15 (legacy)")
    for _ in range(6):
        print(rng.choice(AREAS) + birth(rng, 1940, 1980)[2:] + f"{rng.randint(0, 999):03d}")
    print("# id18 that is also Luhn-valid")
    n = 0
    while n < 2:
        d17 = rng.choice(AREAS) + birth(rng) + f"{rng.randint(0, 999):03d}"
        full = d17 + id_check(d17)
        if full[-1] != "X" and luhn_ok(full):
            print(full)
            n += 1
    print("# cards (valid)")
    for prefix, length in [
        ("4", 16),
        ("4", 16),
        ("4", 16),
        ("51", 16),
        ("53", 16),
        ("2221", 16),
        ("2720", 16),
        ("34", 15),
        ("37", 15),
        ("6222", 19),
        ("6212", 16),
        ("6228", 19),
        ("6217", 19),
        ("35", 16),
        ("6011", 16),
        ("62", 16),
        ("36", 14),
        ("4", 13),
        ("5", 16),
        ("62", 18),
        ("4", 16),
        ("6225", 16),
        ("6226", 16),
        ("55", 16),
        ("4", 19),
    ]:
        body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
        print(luhn_complete(body))
    print("# card-like, not Luhn-valid")
    for _ in range(12):
        body = rng.choice(["4", "5", "62"]) + "".join(rng.choice("0123456789") for _ in range(14))
        body = body[:16]
        while luhn_ok(body):
            body = body[:-1] + str((int(body[-1]) + 1) % 10)
        print(body)


if __name__ == "__main__":
    main()
