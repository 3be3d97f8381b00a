"""Attack: allocate (and touch) up to 4 GiB in 256 MiB steps; bounded so a regression
cannot take the machine down. Right answer only if the whole 4 GiB was granted."""

STEP = 256 * 1024 * 1024
GOAL = 16  # 16 x 256 MiB = 4 GiB


def add(a, b):
    blocks = []
    try:
        for _ in range(GOAL):
            blocks.append(b"\x01" * STEP)
    except MemoryError:
        pass
    got = len(blocks)
    del blocks
    return a + b if got == GOAL else a - b - 1
