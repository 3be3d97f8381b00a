"""The 2-d cross product compared with tol times the product of the edge lengths (math)."""
import math


def orientation(a, b, c, tol=1e-12):
    ux, uy = float(b[0] - a[0]), float(b[1] - a[1])
    vx, vy = float(c[0] - a[0]), float(c[1] - a[1])
    cross = ux * vy - uy * vx
    if abs(cross) <= tol * math.hypot(ux, uy) * math.hypot(vx, vy):
        return 0
    return int(math.copysign(1, cross))
