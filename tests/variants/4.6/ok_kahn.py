"""Kahn's algorithm: a node runs once every user of it has run."""


def _value_backward(self):
    nodes, stack = {}, [self]
    while stack:
        v = stack.pop()
        if id(v) in nodes:
            continue
        nodes[id(v)] = v
        stack.extend(v._children)
    users = {k: 0 for k in nodes}
    for v in nodes.values():
        for child in set(map(id, v._children)):
            users[child] += 1
    for v in nodes.values():
        v.grad = 0.0
    self.grad = 1.0
    ready = [self]
    while ready:
        v = ready.pop()
        v._backward()
        for child_id in set(map(id, v._children)):
            users[child_id] -= 1
            if users[child_id] == 0:
                ready.append(nodes[child_id])
