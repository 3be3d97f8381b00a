"""Walks the graph breadth-first from the output, running each node's _backward as it is
reached: a shared node runs before all its users have added their part."""


def _value_backward(self):
    seen, queue = {self}, [self]
    while queue:
        v = queue.pop(0)
        for child in v._children:
            if child not in seen:
                seen.add(child)
                queue.append(child)
    for v in seen:
        v.grad = 0.0
    self.grad = 1.0
    done, queue = set(), [self]
    while queue:
        v = queue.pop(0)
        if v in done:
            continue
        done.add(v)
        v._backward()
        queue.extend(v._children)
