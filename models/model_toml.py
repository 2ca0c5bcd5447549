"""Table text for the model generators in models/ (make_*.py)."""


def projection(source, target, rule, **fields):
    """A [[projection]] table; `fields` are written in order as `key = value`
    with the values already in TOML syntax."""
    lines = [f'source = "{source}"', f'target = "{target}"', f'rule = "{rule}"']
    lines += [f"{key} = {value}" for key, value in fields.items()]
    return "\n[[projection]]\n" + "\n".join(lines) + "\n"
