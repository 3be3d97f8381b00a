"""Never resets the grads: stale values and a second call add up."""


def _value_backward(self):
    order, seen = [], set()

    def visit(v):
        if v not in seen:
            seen.add(v)
            for child in v._children:
                visit(child)
            order.append(v)

    visit(self)
    self.grad = 1.0
    for v in reversed(order):
        v._backward()
