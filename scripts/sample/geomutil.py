"""Pure-Python planar geometry helpers for the sample generator (make_sample.py).

Everything here works on (x, y) tuples in metres (projected CRS) and uses only the
standard library, so results are deterministic. OGR/GEOS is used elsewhere only for
polygon clipping and point-in-polygon tests.
"""

import math

def rpt(p):
    """Round a point to the output grid (1 cm): every output vertex goes through this."""
    return (round(p[0], 2), round(p[1], 2))


def dist(a, b):
    return math.hypot(a[0] - b[0], a[1] - b[1])


def seg_point_dist(p, a, b):
    """Distance from point p to segment a-b."""
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    l2 = dx * dx + dy * dy
    if l2 == 0.0:
        return math.hypot(p[0] - ax, p[1] - ay)
    t = ((p[0] - ax) * dx + (p[1] - ay) * dy) / l2
    t = 0.0 if t < 0.0 else (1.0 if t > 1.0 else t)
    return math.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy)


def seg_intersection(p1, p2, q1, q2):
    """Intersection of segments p1-p2 and q1-q2.

    Returns (t, u, point) with t, u the parameters along each segment, or None when the
    segments are parallel or do not meet.
    """
    rx, ry = p2[0] - p1[0], p2[1] - p1[1]
    sx, sy = q2[0] - q1[0], q2[1] - q1[1]
    den = rx * sy - ry * sx
    if den == 0.0:
        return None
    qpx, qpy = q1[0] - p1[0], q1[1] - p1[1]
    t = (qpx * sy - qpy * sx) / den
    u = (qpx * ry - qpy * rx) / den
    if t < 0.0 or t > 1.0 or u < 0.0 or u > 1.0:
        return None
    return t, u, (p1[0] + t * rx, p1[1] + t * ry)


def densify(pts, max_seg_m):
    """Insert vertices so that no segment is longer than max_seg_m."""
    out = [pts[0]]
    for a, b in zip(pts, pts[1:]):
        d = dist(a, b)
        n = int(math.ceil(d / max_seg_m)) if d > max_seg_m else 1
        for i in range(1, n):
            t = i / n
            out.append((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])))
        out.append(b)
    return out


def clean_line(pts):
    """Round vertices and drop consecutive duplicates."""
    out = []
    for p in pts:
        q = rpt(p)
        if not out or out[-1] != q:
            out.append(q)
    return out


def wiggle(a, b, rng, rel=0.08, max_seg_m=300.0):
    """A gently bent polyline from a to b (endpoints kept exactly), densified."""
    L = dist(a, b)
    if L < 1e-6:
        return [a, b]
    m = 1 if L < 1000 else (2 if L < 4000 else 3)
    nx, ny = -(b[1] - a[1]) / L, (b[0] - a[0]) / L
    pts = [a]
    for i in range(1, m + 1):
        t = i / (m + 1)
        off = max(-0.15 * L, min(0.15 * L, rng.gauss(0.0, rel * L)))
        pts.append((a[0] + t * (b[0] - a[0]) + off * nx, a[1] + t * (b[1] - a[1]) + off * ny))
    pts.append(b)
    return densify(pts, max_seg_m)


def clip_halfplane(poly, nx, ny, c):
    """Clip a convex polygon (list of points, not closed) to n.x <= c."""
    out = []
    n = len(poly)
    for i in range(n):
        p = poly[i]
        q = poly[(i + 1) % n]
        fp = nx * p[0] + ny * p[1] - c
        fq = nx * q[0] + ny * q[1] - c
        if fp <= 0.0:
            out.append(p)
        if (fp < 0.0 < fq) or (fq < 0.0 < fp):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def voronoi_cells(seeds, bbox):
    """Voronoi cell (convex ring, not closed) of every seed, clipped to bbox.

    Brute-force half-plane clipping with early exit; fine for a few hundred seeds.
    """
    x0, y0, x1, y1 = bbox
    cells = []
    for i, s in enumerate(seeds):
        others = sorted(((dist(s, t), j) for j, t in enumerate(seeds) if j != i))
        cell = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        for d, j in others:
            if not cell:
                break
            rmax = max(dist(s, v) for v in cell)
            if d > 2.0 * rmax:
                break
            t = seeds[j]
            nx, ny = t[0] - s[0], t[1] - s[1]
            c = (t[0] * t[0] + t[1] * t[1] - s[0] * s[0] - s[1] * s[1]) / 2.0
            cell = clip_halfplane(cell, nx, ny, c)
        cells.append(cell)
    return cells


def kmeans(points, k, rng, iters=15):
    """Deterministic k-means (k-means++ seeding from rng) on a list of points.

    Returns the k cluster centres snapped to the nearest input point, so every centre
    lies where the input points are (inside the sampled region).
    """
    if k >= len(points):
        return list(points[:k])
    centres = [points[rng.randrange(len(points))]]
    d2 = [dist(p, centres[0]) ** 2 for p in points]
    while len(centres) < k:
        tot = sum(d2)
        r = rng.random() * tot
        acc = 0.0
        idx = len(points) - 1
        for i, v in enumerate(d2):
            acc += v
            if acc >= r:
                idx = i
                break
        c = points[idx]
        centres.append(c)
        d2 = [min(d2[i], dist(p, c) ** 2) for i, p in enumerate(points)]
    for _ in range(iters):
        sx = [0.0] * k
        sy = [0.0] * k
        n = [0] * k
        for p in points:
            best = 0
            bd = float("inf")
            for j, c in enumerate(centres):
                d = (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2
                if d < bd:
                    bd = d
                    best = j
            sx[best] += p[0]
            sy[best] += p[1]
            n[best] += 1
        centres = [(sx[j] / n[j], sy[j] / n[j]) if n[j] else centres[j] for j in range(k)]
    snapped = []
    used = set()
    for c in centres:
        best = None
        bd = float("inf")
        for i, p in enumerate(points):
            if i in used:
                continue
            d = dist(p, c)
            if d < bd:
                bd = d
                best = i
        used.add(best)
        snapped.append(points[best])
    return snapped


class SegIndex:
    """Grid index over line segments for distance queries."""

    def __init__(self, cell_m=1000.0):
        self.cell = cell_m
        self.grid = {}

    def _cells(self, a, b):
        c = self.cell
        i0, i1 = int(math.floor(min(a[0], b[0]) / c)), int(math.floor(max(a[0], b[0]) / c))
        j0, j1 = int(math.floor(min(a[1], b[1]) / c)), int(math.floor(max(a[1], b[1]) / c))
        for i in range(i0, i1 + 1):
            for j in range(j0, j1 + 1):
                yield (i, j)

    def add_line(self, pts):
        for a, b in zip(pts, pts[1:]):
            for key in self._cells(a, b):
                self.grid.setdefault(key, []).append((a, b))

    def nearest_dist(self, p, max_m):
        """Distance from p to the nearest indexed segment, or max_m if none is closer."""
        c = self.cell
        ci, cj = int(math.floor(p[0] / c)), int(math.floor(p[1] / c))
        r = int(math.ceil(max_m / c))
        best = max_m
        for i in range(ci - r, ci + r + 1):
            for j in range(cj - r, cj + r + 1):
                for a, b in self.grid.get((i, j), ()):
                    d = seg_point_dist(p, a, b)
                    if d < best:
                        best = d
        return best


def polygon_rings(geom):
    """Exterior and interior rings of an OGR (Multi)Polygon as lists of point lists."""
    out = []
    name = geom.GetGeometryName()
    if name == "POLYGON":
        polys = [geom]
    else:
        polys = [geom.GetGeometryRef(i) for i in range(geom.GetGeometryCount())]
    for poly in polys:
        for r in range(poly.GetGeometryCount()):
            ring = poly.GetGeometryRef(r)
            out.append([(ring.GetX(i), ring.GetY(i)) for i in range(ring.GetPointCount())])
    return out
