"""Topological order by an explicit stack (no recursion)."""


def _value_backward(self):
    order, seen, stack = [], set(), [(self, False)]
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
            continue
        if v in seen:
            continue
        seen.add(v)
        stack.append((v, True))
        for child in v._children:
            if child not in seen:
                stack.append((child, False))
    for v in order:
        v.grad = 0.0
    self.grad = 1.0
    for v in reversed(order):
        v._backward()
