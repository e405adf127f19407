def p_norm(t, p):
    return (t.abs() ** p).sum() ** (1.0 / p)


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    present = [g for g in grads if g is not None]
    total = sum(p_norm(g, norm_type) ** norm_type for g in present) ** (1.0 / norm_type)
    coef = min(1.0, max_norm / (total + 1e-6))
    for g in present:
        g.mul_(coef)
    return total
