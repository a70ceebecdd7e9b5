"""What a NumPy call costs before it runs: result sizes in bytes and elements, from shapes,
strides and arguments (the rules numpy_policy.py assigns to each allowed name)."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from stridescope.engine.interpret.errors import RefusedError, ResourceLimitError
from stridescope.engine.interpret.guard import MAX_SEQUENCE_LENGTH

# ----------------------------------------------------------------------------- sizing rules
# A rule takes (args, kwargs) (a method's receiver is args[0]) and returns
# (bytes it may allocate, elements it works through).
Cost = tuple[int, int]
Rule = Callable[[tuple, dict], Cost]


def shape_of(value: Any, depth: int = 0) -> tuple[int, ...]:
    """The shape NumPy would give `value`, without converting it (nested lists: the largest
    of their first 1,000 items and the last; NumPy refuses ragged nesting anyway)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return tuple(value.shape)
    if isinstance(value, torch.Tensor):
        return tuple(value.shape)
    if isinstance(value, (list, tuple)) and depth < 32:
        if not value:
            return (0,)
        items = list(value[:1000]) + ([value[-1]] if len(value) > 1000 else [])
        inner = max((shape_of(v, depth + 1) for v in items), key=math.prod)
        return (len(value), *inner)
    if isinstance(value, range):
        return (len(value),)
    return ()


def size_of(value: Any) -> int:
    return math.prod(shape_of(value))


def itemsize_of(value: Any, depth: int = 0) -> int:
    """Bytes per element NumPy would use for `value` (an upper bound for Python numbers)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype.itemsize
    if isinstance(value, torch.Tensor):
        return value.element_size()
    if isinstance(value, str):
        return 4 * max(1, len(value))
    if isinstance(value, bytes):
        return max(1, len(value))
    if isinstance(value, complex):
        return 16
    if isinstance(value, (list, tuple)) and value and depth < 32:
        items = list(value[:1000]) + [value[-1]]
        return max(itemsize_of(v, depth + 1) for v in items)
    return 8


def _dtype_itemsize(dtype: Any) -> int | None:
    if dtype is None:
        return None
    try:
        return np.dtype(dtype).itemsize
    except Exception:  # NumPy raises the same error when the call runs
        return None


def _numeric_itemsize(values: list[Any], dtype: Any = None) -> int:
    """Itemsize bound of an elementwise result: the dtype asked for, else the widest input
    (at least 8 bytes: Python numbers become int64/float64; strings add up)."""
    given = _dtype_itemsize(dtype)
    if given:
        return given
    strings = [v for v in values if getattr(getattr(v, "dtype", None), "kind", "") in "USV"
               and isinstance(v, (np.ndarray, np.generic))] + \
        [v for v in values if isinstance(v, (str, bytes))]
    if strings:
        return max(16, sum(itemsize_of(v) for v in strings))
    return max([8, *(itemsize_of(v) for v in values)])


def _dims(value: Any) -> tuple[int, ...] | None:
    """A shape argument (int or sequence of ints) as a tuple, None if it is not one."""
    try:
        if isinstance(value, (list, tuple)):
            return tuple(max(0, operator.index(v)) for v in value)
        return (max(0, operator.index(value)),)
    except TypeError:
        return None


def _array_args(args: tuple, kwargs: dict) -> list[Any]:
    values = [a for a in args if not isinstance(a, (np.dtype, type, str)) and a is not None]
    if "where" in kwargs and not isinstance(kwargs["where"], bool):
        values.append(kwargs["where"])
    return values


def _broadcast(values: list[Any]) -> tuple[int, ...]:
    shapes = [shape_of(v) for v in values]
    try:
        return tuple(np.broadcast_shapes(*shapes)) if shapes else ()
    except ValueError:  # NumPy raises this too when the call runs
        return max(shapes, key=math.prod)


def _arg(args: tuple, kwargs: dict, index: int, name: str, default: Any = None) -> Any:
    if name in kwargs:
        return kwargs[name]
    return args[index] if len(args) > index else default


def free(args: tuple, kwargs: dict) -> Cost:
    return 0, 0


def elementwise(args: tuple, kwargs: dict) -> Cost:
    values = _array_args(args, kwargs)
    size = math.prod(_broadcast(values))
    if kwargs.get("out") is not None:
        return 0, size
    return size * _numeric_itemsize(values, kwargs.get("dtype")), size


def reduction(args: tuple, kwargs: dict) -> Cost:
    first = args[0] if args else None
    size = size_of(first)
    whole = _arg(args, kwargs, 1, "axis") is None and not kwargs.get("keepdims")
    out = 1 if whole else size
    return out * max(8, itemsize_of(first)), size


def scan(args: tuple, kwargs: dict) -> Cost:
    """Results as large as the input, possibly widened (cumsum of int8 is int64)."""
    first = args[0] if args else None
    size = size_of(first)
    ndim = max(1, len(shape_of(first)))
    return size * max(8, itemsize_of(first)) * ndim, size


def copy_first(args: tuple, kwargs: dict) -> Cost:
    first = args[0] if args else None
    size = size_of(first)
    dtype = _arg(args, kwargs, 1, "dtype") if not isinstance(first, list) else kwargs.get(
        "dtype")
    itemsize = _dtype_itemsize(dtype) or itemsize_of(first)
    return size * itemsize, size


def astype(args: tuple, kwargs: dict) -> Cost:
    first = args[0]
    size = size_of(first)
    return size * (_dtype_itemsize(_arg(args, kwargs, 1, "dtype")) or 8), size


def may_copy(args: tuple, kwargs: dict) -> Cost:
    """reshape/ravel: a view when the layout allows, else a copy (counted as one unless the
    input is C-contiguous)."""
    first = args[0] if args else None
    if isinstance(first, np.ndarray) and first.flags.c_contiguous:
        return 0, 0
    return copy_first(args[:1], {})


def to_python(args: tuple, kwargs: dict) -> Cost:
    size = size_of(args[0])
    if size > MAX_SEQUENCE_LENGTH:
        raise ResourceLimitError(
            f"tolist() of {size:,} elements would build a Python list too large to show; "
            f"slice the array first")
    return size * 8, size


def join(args: tuple, kwargs: dict) -> Cost:
    seq = args[0] if args else ()
    parts = list(seq) if isinstance(seq, (list, tuple)) else [seq]
    size = sum(size_of(p) for p in parts)
    return size * _numeric_itemsize(parts, kwargs.get("dtype")), size


def join_all(args: tuple, kwargs: dict) -> Cost:
    return join((list(args),), kwargs)


def tile(args: tuple, kwargs: dict) -> Cost:
    reps = _dims(_arg(args, kwargs, 1, "reps", 1)) or (1,)
    size = size_of(args[0]) * math.prod(reps)
    return size * itemsize_of(args[0]), size


def repeat(args: tuple, kwargs: dict) -> Cost:
    repeats = _arg(args, kwargs, 1, "repeats", 1)
    if isinstance(repeats, (np.ndarray, list, tuple)):
        flat = np.asarray(repeats).ravel() if size_of(repeats) < 10**7 else np.zeros(1)
        most = int(flat.max()) if flat.size else 0
    else:
        most = _dims(repeats)[0] if _dims(repeats) else 1
    size = size_of(args[0]) * max(1, most)
    return size * itemsize_of(args[0]), size


def product(args: tuple, kwargs: dict) -> Cost:
    """outer and kron: every element of one times every element of the other."""
    a, b = args[0], _arg(args, kwargs, 1, "b")
    size = size_of(a) * size_of(b)
    return size * _numeric_itemsize([a, b]), size


def _meta(value: Any) -> Any:
    """A meta tensor with the shape of an array-like (float64), for torch's shape rules."""
    if isinstance(value, (np.ndarray, np.generic, torch.Tensor, list, tuple)):
        return torch.empty(shape_of(value), dtype=torch.float64, device="meta")
    return value


def _probed(torch_func: Callable[..., Any], args: tuple, kwargs: dict) -> Cost:
    arrays = [a for a in args if isinstance(a, (np.ndarray, np.generic, torch.Tensor, list,
                                                   tuple))]
    largest = max((size_of(a) for a in arrays), default=1)
    try:
        result = torch_func(*(_meta(a) for a in args), **kwargs)
        size = math.prod(tuple(result.shape))
    except Exception:  # shapes NumPy will reject too, or a form torch does not take
        size = largest
    if kwargs.get("out") is not None:
        return 0, largest
    return size * _numeric_itemsize(arrays), largest


def matmul(args: tuple, kwargs: dict) -> Cost:
    return _probed(torch.matmul, args[:2], {"out": kwargs.get("out")} if "out" in kwargs else {})


def dot(args: tuple, kwargs: dict) -> Cost:
    a, b = shape_of(args[0]), shape_of(args[1]) if len(args) > 1 else ()
    if not a or not b:
        return elementwise(args[:2], {})
    shape = a[:-1] + (b[:-2] + b[-1:] if len(b) > 1 else ())
    size = math.prod(shape)
    largest = max(size_of(args[0]), size_of(args[1]))
    if kwargs.get("out") is not None or (len(args) > 2 and args[2] is not None):
        return 0, largest
    return size * _numeric_itemsize(list(args[:2])), largest


def inner(args: tuple, kwargs: dict) -> Cost:
    a, b = shape_of(args[0]), shape_of(args[1])
    if not a or not b:
        return elementwise(args[:2], {})
    size = math.prod(a[:-1] + b[:-1])
    return size * _numeric_itemsize(list(args[:2])), max(size_of(args[0]), size_of(args[1]))


def tensordot(args: tuple, kwargs: dict) -> Cost:
    axes = _arg(args, kwargs, 2, "axes", 2)
    return _probed(lambda a, b: torch.tensordot(a, b, dims=axes), args[:2], {})


def einsum(args: tuple, kwargs: dict) -> Cost:
    out = {"out": kwargs["out"]} if kwargs.get("out") is not None else {}
    return _probed(torch.einsum, args, out)


def full(args: tuple, kwargs: dict) -> Cost:
    dims = _dims(_arg(args, kwargs, 0, "shape", 0)) or ()
    size = math.prod(dims)
    fill = _arg(args, kwargs, 1, "fill_value", 0)
    itemsize = _dtype_itemsize(_arg(args, kwargs, 2, "dtype")) or itemsize_of(fill)
    return size * itemsize, size


def zeros(args: tuple, kwargs: dict) -> Cost:
    dims = _dims(_arg(args, kwargs, 0, "shape", 0)) or ()
    size = math.prod(dims)
    return size * (_dtype_itemsize(_arg(args, kwargs, 1, "dtype")) or 8), size


def like(args: tuple, kwargs: dict) -> Cost:
    proto = args[0] if args else kwargs.get("prototype")
    dims = _dims(kwargs["shape"]) if kwargs.get("shape") is not None else shape_of(proto)
    size = math.prod(dims or ())
    dtype = _arg(args, kwargs, 1, "dtype")
    return size * (_dtype_itemsize(dtype) or max(8, itemsize_of(proto))), size


def full_like(args: tuple, kwargs: dict) -> Cost:
    proto = args[0]
    dims = _dims(kwargs["shape"]) if kwargs.get("shape") is not None else shape_of(proto)
    size = math.prod(dims or ())
    dtype = _arg(args, kwargs, 2, "dtype")
    return size * (_dtype_itemsize(dtype) or max(8, itemsize_of(proto))), size


def arange(args: tuple, kwargs: dict) -> Cost:
    numbers = [a for a in args if isinstance(a, (int, float, np.number))
               and not isinstance(a, bool)]
    start = kwargs.get("start", 0)
    stop = kwargs.get("stop")
    step = kwargs.get("step", 1)
    if len(numbers) == 1:
        stop = numbers[0] if stop is None else stop
        if "stop" in kwargs:
            start = numbers[0]
    elif len(numbers) >= 2:
        start, stop = numbers[0], numbers[1]
        step = numbers[2] if len(numbers) > 2 else step
    try:
        count = math.ceil((float(stop) - float(start)) / float(step))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return 0, 0
    count = max(0, count) if math.isfinite(count) else 2**63
    return count * (_dtype_itemsize(kwargs.get("dtype")) or 8), count


def linspace(args: tuple, kwargs: dict) -> Cost:
    num = _dims(_arg(args, kwargs, 2, "num", 50)) or (50,)
    ends = _broadcast([_arg(args, kwargs, 0, "start", 0), _arg(args, kwargs, 1, "stop", 0)])
    size = num[0] * math.prod(ends)
    return size * 16, size


def eye(args: tuple, kwargs: dict) -> Cost:
    n = (_dims(_arg(args, kwargs, 0, "N", 0)) or (0,))[0]
    m = _arg(args, kwargs, 1, "M")
    m = n if m is None else (_dims(m) or (0,))[0]
    return n * m * 16, n * m


def identity(args: tuple, kwargs: dict) -> Cost:
    n = (_dims(_arg(args, kwargs, 0, "n", 0)) or (0,))[0]
    return n * n * 16, n * n


def diag(args: tuple, kwargs: dict) -> Cost:
    shape = shape_of(args[0])
    k = abs(int(_arg(args, kwargs, 1, "k", 0) or 0))
    if len(shape) <= 1:
        side = math.prod(shape) + k
        return side * side * max(8, itemsize_of(args[0])), side * side
    return scan(args, kwargs)


def meshgrid(args: tuple, kwargs: dict) -> Cost:
    size = math.prod(size_of(a) for a in args)
    if kwargs.get("sparse") or kwargs.get("copy") is False:
        return 0, 0
    return size * len(args) * _numeric_itemsize(list(args)), size


def indices(args: tuple, kwargs: dict) -> Cost:
    dims = _dims(_arg(args, kwargs, 0, "dimensions", ())) or ()
    size = math.prod(dims) * max(1, len(dims))
    return size * 8, size


def random_size(position: int) -> Rule:
    def rule(args: tuple, kwargs: dict) -> Cost:
        size_arg = _arg(args, kwargs, position, "size")
        params = [a for a in args[:position] if isinstance(a, (np.ndarray, list, tuple))]
        shape = _dims(size_arg) if size_arg is not None else _broadcast(params)
        size = math.prod(shape or ())
        return size * 8, size
    return rule


def choice(args: tuple, kwargs: dict) -> Cost:
    """choice(a, size, replace=False) without replacement permutes the whole population."""
    allocated, computed = random_size(1)(args, kwargs)
    population = args[0] if args else kwargs.get("a", 0)
    if _arg(args, kwargs, 2, "replace", True) is False:
        count = population if isinstance(population, (int, np.integer)) else \
            size_of(population)
        allocated += max(0, int(count)) * 8
        computed += max(0, int(count))
    return allocated, computed


def where(args: tuple, kwargs: dict) -> Cost:
    if len(args) == 1:  # where(condition) is nonzero(condition)
        return scan(args, kwargs)
    return elementwise(args, kwargs)


def random_dims(args: tuple, kwargs: dict) -> Cost:
    size = math.prod(_dims(list(args)) or ())
    return size * 8, size


def permutation(args: tuple, kwargs: dict) -> Cost:
    x = args[0] if args else kwargs.get("x")
    size = (_dims(x) or (0,))[0] if isinstance(x, (int, np.integer)) else size_of(x)
    return size * max(8, itemsize_of(x)), size


def frombuffer(args: tuple, kwargs: dict) -> Cost:
    buffer = args[0] if args else kwargs.get("buffer")
    if not isinstance(buffer, (bytes, np.ndarray)):
        raise RefusedError("refused: frombuffer() reads only bytes or arrays the script made")
    return 0, 0


def as_strided(args: tuple, kwargs: dict) -> Cost:
    """NumPy's as_strided checks nothing: a view reaching past the array's memory would read
    whatever lies there. Refuse any view whose bytes leave the memory it is made from."""
    x = args[0] if args else kwargs.get("x")
    if not isinstance(x, np.ndarray):
        raise RefusedError("refused: as_strided() takes a NumPy array")
    shape = _dims(_arg(args, kwargs, 1, "shape")) if _arg(args, kwargs, 1, "shape") is not None \
        else tuple(x.shape)
    strides = _arg(args, kwargs, 2, "strides")
    strides = tuple(x.strides) if strides is None else tuple(int(s) for s in strides)
    if shape is None or len(shape) != len(strides):
        return 0, 0  # NumPy raises its own error
    start = data_pointer(x)
    low, high = byte_extent(start, shape, strides, x.itemsize)
    mem_low, mem_high = memory_bounds(x)
    if math.prod(shape) and (low < mem_low or high > mem_high):
        raise RefusedError(
            f"refused: as_strided() would reach bytes {low - mem_low:,} to {high - mem_low:,} "
            f"of memory that holds {mem_high - mem_low:,} bytes: outside it lies memory the "
            f"array does not own")
    return 0, 0


def data_pointer(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


def byte_extent(start: int, shape: tuple[int, ...], strides: tuple[int, ...],
                itemsize: int) -> tuple[int, int]:
    """[low, high) of the bytes an array with this layout reads (empty arrays: [start, start))."""
    if not math.prod(shape):
        return start, start
    low = start + sum((n - 1) * s for n, s in zip(shape, strides) if s < 0)
    high = start + sum((n - 1) * s for n, s in zip(shape, strides) if s > 0) + itemsize
    return low, high


def memory_root(a: np.ndarray) -> tuple[np.ndarray, Any]:
    """The array at the end of a.base's chain of arrays, and the foreign object (bytes, a
    torch tensor, …) that owns its memory, or None when NumPy owns it."""
    x = a
    for _ in range(64):
        base = x.base
        if base is not None and type(base).__name__ == "DummyArray":  # stride_tricks' holder
            base = base.base
        if isinstance(base, np.ndarray):
            x = base
            continue
        return x, base
    return x, None


def memory_bounds(a: np.ndarray) -> tuple[int, int]:
    """[low, high) of the whole allocation `a` lives in, as far as it can be known."""
    root, foreign = memory_root(a)
    if isinstance(foreign, bytes):
        start = data_pointer(np.frombuffer(foreign, dtype=np.uint8)) if foreign else 0
        return start, start + len(foreign)
    if isinstance(foreign, torch.Tensor):
        storage = foreign.untyped_storage()
        return storage.data_ptr(), storage.data_ptr() + storage.nbytes()
    return byte_extent(data_pointer(root), tuple(root.shape), tuple(root.strides),
                       root.itemsize)


def tobytes(args: tuple, kwargs: dict) -> Cost:
    size = size_of(args[0])
    return size * itemsize_of(args[0]), size


def compare_all(args: tuple, kwargs: dict) -> Cost:
    """allclose / isclose / array_equal: a few temporaries the size of the broadcast."""
    size = math.prod(_broadcast(list(args[:2])))
    return size * 3 * 8, size


def fancy_index(array: np.ndarray, index: Any) -> int:
    """Upper bound on the elements `array[index]` creates (0 for basic indexing: a view)."""
    items = index if isinstance(index, tuple) else (index,)
    if not any(isinstance(i, (np.ndarray, list, torch.Tensor)) for i in items):
        return 0
    shape = list(array.shape)
    consumed = 0
    kept = 1
    arrays = []
    for item in items:
        if isinstance(item, (np.ndarray, list, torch.Tensor)):
            item_shape = shape_of(item)
            if getattr(item, "dtype", None) in (np.bool_, torch.bool):
                consumed += max(1, len(item_shape))
                arrays.append((math.prod(item_shape),))
            else:
                consumed += 1
                arrays.append(item_shape)
        elif item is None:
            continue
        elif item is Ellipsis:
            specified = sum(1 for i in items if i is not None and i is not Ellipsis)
            skipped = max(0, len(shape) - specified)
            kept *= math.prod(shape[consumed:consumed + skipped])
            consumed += skipped
        elif isinstance(item, slice):
            if consumed < len(shape):
                kept *= len(range(*item.indices(shape[consumed])))
            consumed += 1
        else:
            consumed += 1
    kept *= math.prod(shape[consumed:])
    try:
        broadcast = math.prod(np.broadcast_shapes(*arrays))
    except ValueError:
        broadcast = max(math.prod(s) for s in arrays)
    return broadcast * kept
