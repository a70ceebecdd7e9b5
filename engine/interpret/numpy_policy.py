"""NumPy in the allowlisted interpreter: which names a script may reach, and what each call costs.

NumPy has no meta device, so every allowlisted callable has a sizing rule (`RULES`): the
bytes it may allocate and the elements it works through, computed from shapes, strides and
arguments alone, before the call runs. A rule is an upper bound (a reshape that turns out to
be a view is counted as a copy). Arrays of Python objects are refused: NumPy would call the
elements' methods by name, outside the allowlist and the resource guard.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import torch
from numpy.lib import stride_tricks

from stridescope.engine.interpret.errors import RefusedError, ResourceLimitError
from stridescope.engine.interpret.guard import Limits, format_bytes
from stridescope.engine.interpret.numpy_costs import (
    Rule,
    arange,
    as_strided,
    astype,
    choice,
    compare_all,
    copy_first,
    diag,
    dot,
    einsum,
    elementwise,
    eye,
    free,
    frombuffer,
    full,
    full_like,
    identity,
    indices,
    inner,
    join,
    join_all,
    like,
    linspace,
    matmul,
    may_copy,
    memory_bounds,
    memory_root,
    meshgrid,
    permutation,
    product,
    random_dims,
    random_size,
    reduction,
    repeat,
    scan,
    size_of,
    tensordot,
    tile,
    to_python,
    tobytes,
    where,
    zeros,
)

# Attribute names refused on a NumPy object at run time (names too common to refuse
# statically on every object; the unambiguous ones are in STATIC_REFUSED below).
REFUSED: dict[str, str] = {
    "data": "a memoryview of raw memory is not exposed",
    "info": "numpy.info reads source files",
    "format": "numpy.lib.format reads and writes .npy files",
    "npyio": "numpy.lib.npyio reads and writes files",
    "test": "running NumPy's test suite is not allowed",
}

# Static refusals: attribute names that only NumPy uses, refused before a statement runs.
STATIC_REFUSED: dict[str, str] = {
    "loadtxt": "a script may not read files",
    "savetxt": "a script may not write files",
    "genfromtxt": "a script may not read files",
    "fromfile": "a script may not read files",
    "fromregex": "a script may not read files",
    "savez": "a script may not write files",
    "savez_compressed": "a script may not write files",
    "memmap": "memory-mapped files are not allowed",
    "open_memmap": "memory-mapped files are not allowed",
    "ctypeslib": "raw memory access is not allowed",
    "f2py": "f2py compiles and runs code",
    "distutils": "numpy.distutils builds and runs code",
    "testing": "test helpers are outside the allowlist",
    "frompyfunc": "it calls a Python function on every element",
    "vectorize": "it calls a Python function on every element",
    "fromfunction": "it calls a Python function on every index",
    "apply_along_axis": "it calls a Python function on every slice",
    "apply_over_axes": "it calls a Python function on every axis",
    "piecewise": "it calls Python functions on the array",
    "setflags": "changing an array's flags could make read-only memory writable",
    "show_config": "build details are not exposed",
    "get_include": "paths are not exposed",
}


# Functions on the numpy module (and methods of the same name on arrays).
_ELEMENTWISE = (
    "add subtract multiply divide true_divide floor_divide power float_power mod remainder fmod "
    "negative positive absolute abs fabs sign sqrt square cbrt exp exp2 expm1 log log2 log10 "
    "log1p sin cos tan arcsin arccos arctan arctan2 sinh cosh tanh hypot floor ceil trunc rint "
    "round around fix maximum minimum fmax fmin clip equal not_equal less less_equal "
    "greater greater_equal logical_and logical_or logical_not logical_xor bitwise_and bitwise_or "
    "bitwise_xor invert left_shift right_shift isnan isinf isfinite real imag conj conjugate "
    "angle deg2rad rad2deg degrees radians reciprocal copysign signbit nan_to_num isreal "
    "iscomplex"
).split()
_REDUCTIONS = (
    "sum prod mean std var min max amin amax argmin argmax all any median average count_nonzero "
    "trace nansum nanmean nanmax nanmin ptp vdot"
).split()
_SCANS = (
    "cumsum cumprod sort argsort unique diff nonzero argwhere flatnonzero percentile quantile"
).split()
_VIEWS = (
    "transpose swapaxes moveaxis squeeze expand_dims broadcast_to broadcast_arrays atleast_1d "
    "atleast_2d atleast_3d flip fliplr flipud rot90 diagonal split array_split hsplit vsplit "
    "dsplit"
).split()
_INFO = (
    "shape ndim size result_type promote_types can_cast issubdtype isscalar iinfo finfo "
    "broadcast_shapes shares_memory may_share_memory iscomplexobj isrealobj isfortran "
    "min_scalar_type"
).split()
_COPIES = "array asarray asanyarray ascontiguousarray asfortranarray copy require".split()

RULES: dict[str, Rule] = {
    **dict.fromkeys(_ELEMENTWISE, elementwise),
    **dict.fromkeys(_REDUCTIONS, reduction),
    **dict.fromkeys(_SCANS, scan),
    **dict.fromkeys(_VIEWS, free),
    **dict.fromkeys(_INFO, free),
    **dict.fromkeys(_COPIES, copy_first),
    "reshape": may_copy, "ravel": may_copy,
    "zeros": zeros, "ones": zeros, "empty": zeros, "full": full,
    "zeros_like": like, "ones_like": like, "empty_like": like, "full_like": full_like,
    "arange": arange, "linspace": linspace, "logspace": linspace, "geomspace": linspace,
    "eye": eye, "identity": identity, "tri": eye, "diag": diag, "diagflat": diag,
    "tril": scan, "triu": scan, "roll": scan, "where": where, "searchsorted": join_all,
    "concatenate": join, "stack": join, "hstack": join, "vstack": join, "dstack": join,
    "column_stack": join, "append": join_all, "tile": tile, "repeat": repeat,
    "outer": product, "kron": product, "matmul": matmul, "dot": dot, "inner": inner,
    "tensordot": tensordot, "einsum": einsum, "meshgrid": meshgrid, "indices": indices,
    "allclose": compare_all, "isclose": compare_all, "array_equal": compare_all,
    "array_equiv": compare_all, "frombuffer": frombuffer, "dtype": free,
}
RANDOM_RULES: dict[str, Rule] = {
    "seed": free, "default_rng": free, "rand": random_dims, "randn": random_dims,
    "random": random_size(0), "random_sample": random_size(0), "ranf": random_size(0),
    "sample": random_size(0), "standard_normal": random_size(0),
    "randint": random_size(2), "integers": random_size(2), "normal": random_size(2),
    "uniform": random_size(2), "choice": choice, "permutation": permutation,
    "shuffle": free, "permuted": permutation,
}
STRIDE_TRICKS_RULES: dict[str, Rule] = {
    "as_strided": as_strided, "sliding_window_view": free,  # its windows stay in bounds
}
_ARRAY_METHOD_RULES: dict[str, Rule] = {
    "copy": copy_first, "astype": astype, "reshape": may_copy, "ravel": may_copy,
    "flatten": copy_first, "tolist": to_python, "item": free, "tobytes": tobytes,
    "fill": lambda a, k: (0, size_of(a[0])), "view": free, "transpose": free,
    "swapaxes": free, "squeeze": free, "diagonal": free, "byteswap": copy_first,
    "dot": dot, "repeat": repeat, "round": elementwise, "clip": elementwise,
    "conj": elementwise, "conjugate": elementwise, "nonzero": scan, "sort": scan,
    "argsort": scan, "cumsum": scan, "cumprod": scan, "searchsorted": join_all,
    "sum": reduction, "prod": reduction, "mean": reduction, "std": reduction,
    "var": reduction, "min": reduction, "max": reduction, "argmin": reduction,
    "argmax": reduction, "all": reduction, "any": reduction, "trace": reduction,
}
ARRAY_ATTRIBUTES = frozenset(_ARRAY_METHOD_RULES) | frozenset(
    "shape strides dtype itemsize nbytes ndim size T mT flags base real imag".split())
FLAGS_ATTRIBUTES = frozenset(
    "c_contiguous f_contiguous owndata writeable aligned writebackifcopy contiguous fortran "
    "forc fnc behaved carray farray".split())
DTYPE_ATTRIBUTES = frozenset(
    "itemsize name kind char str byteorder type alignment isbuiltin isnative names fields "
    "shape base subdtype hasobject ndim num".split())
SCALAR_ATTRIBUTES = ARRAY_ATTRIBUTES | frozenset(  # NumPy scalars have the array methods
    "is_integer as_integer_ratio bit_length".split())
GENERATOR_ATTRIBUTES = frozenset(
    "random integers normal standard_normal uniform choice permutation shuffle "
    "permuted".split())
INFO_ATTRIBUTES = frozenset("bits eps max min tiny smallest_normal resolution dtype".split())

_SCALAR_TYPES = (
    "bool_ bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 intp uintp float16 float32 "
    "float64 complex64 complex128 half single double longlong ulonglong short ushort byte "
    "ubyte intc uintc int_ uint longdouble clongdouble csingle cdouble str_ bytes_"
).split()
_ABSTRACT_TYPES = "generic number integer signedinteger unsignedinteger floating " \
    "complexfloating inexact ndarray".split()
_CONSTANTS = "pi e inf nan newaxis euler_gamma".split()


_FLAGS_TYPE = type(np.empty(0).flags)


@lru_cache(maxsize=1)
def numpy_attributes() -> frozenset[str]:
    names = {*RULES, *_SCALAR_TYPES, *_ABSTRACT_TYPES, *_CONSTANTS, "random", "lib"}
    return frozenset(n for n in names if hasattr(np, n))


@lru_cache(maxsize=1)
def scalar_types() -> frozenset[type]:
    """NumPy scalar classes a script may call as constructors: np.float32(1.5)."""
    return frozenset(getattr(np, n) for n in _SCALAR_TYPES if hasattr(np, n)) | {
        np.dtype, np.finfo, np.iinfo}


def allowed_attributes(obj: Any) -> frozenset[str] | None:
    """The names a script may read on a NumPy object, or None if `obj` is not one."""
    if obj is np:
        return numpy_attributes()
    if obj is np.random:
        return frozenset(n for n in RANDOM_RULES if hasattr(np.random, n))
    if obj is np.lib:
        return frozenset({"stride_tricks"})
    if obj is stride_tricks:
        return frozenset(STRIDE_TRICKS_RULES)
    if isinstance(obj, np.ndarray):
        return ARRAY_ATTRIBUTES
    if isinstance(obj, np.generic):
        return SCALAR_ATTRIBUTES
    if isinstance(obj, np.dtype):
        return DTYPE_ATTRIBUTES
    if isinstance(obj, np.random.Generator):
        return GENERATOR_ATTRIBUTES
    if isinstance(obj, (np.finfo, np.iinfo)):
        return INFO_ATTRIBUTES
    if isinstance(obj, _FLAGS_TYPE):
        return FLAGS_ATTRIBUTES
    return None


def is_numpy_object(obj: Any) -> bool:
    return allowed_attributes(obj) is not None


def check_attribute(obj: Any, name: str, line: int | None) -> None:
    """Refuse the NumPy names that reach files, raw memory or code, with the reason."""
    if name in REFUSED and is_numpy_object(obj):
        what = "numpy.lib" if obj is np.lib else "numpy" if obj is np else type(obj).__name__
        raise RefusedError(f"refused: {what}.{name} — {REFUSED[name]}", line)


@lru_cache(maxsize=1)
def _function_names() -> dict[int, tuple[str, Rule]]:
    """id(callable) -> (name, rule) for every allowlisted NumPy function, however reached."""
    table: dict[int, tuple[str, Rule]] = {}
    for name, rule in RULES.items():
        if hasattr(np, name):
            table[id(getattr(np, name))] = (name, rule)
    for name, rule in RANDOM_RULES.items():
        if hasattr(np.random, name):
            table[id(getattr(np.random, name))] = (f"random.{name}", rule)
    for name, rule in STRIDE_TRICKS_RULES.items():
        table[id(getattr(stride_tricks, name))] = (name, rule)
    return table


def rule_for(receiver: Any, func: Any, name: str) -> tuple[Rule, tuple[Any, ...]] | None:
    """The sizing rule of a call, and the receiver to prepend to its arguments (for methods)."""
    if isinstance(receiver, (np.ndarray, np.generic)):
        rule = _ARRAY_METHOD_RULES.get(name)
        return (rule, (receiver,)) if rule else (free, ())
    if isinstance(receiver, np.random.Generator):
        return RANDOM_RULES.get(name, free), ()
    known = _function_names().get(id(func))
    if known is not None:
        return known[1], ()
    if func in scalar_types():
        return copy_first, ()
    return None


def _python_objects(value: Any, depth: int = 0) -> bool:
    """Whether NumPy would have to store `value`'s items as Python objects."""
    if isinstance(value, (list, tuple)) and depth < 32:
        items = list(value[:1000]) + ([value[-1]] if len(value) > 1000 else [])
        return any(_python_objects(v, depth + 1) for v in items)
    return not isinstance(value, (bool, int, float, complex, str, bytes, np.ndarray,
                                  np.generic, torch.Tensor, np.dtype, type, slice, range))


def check_call(rule: Rule, args: tuple, kwargs: dict, limits: Limits, *, line: int | None,
               what: str) -> None:
    """Refuse the call if it may allocate or compute more than the limits allow, or would
    make an array of Python objects."""
    dtypes = [v for v in (*args, *kwargs.values()) if isinstance(v, (str, type, np.dtype))]
    if any(_dtype_has_objects(d) for d in dtypes):
        raise RefusedError("refused: arrays of Python objects (dtype=object) are not "
                           "supported", line)
    for value in (*args, *kwargs.values()):
        if isinstance(value, (list, tuple)) and _python_objects(value):
            raise RefusedError("refused: NumPy would store these items as Python objects; "
                               "only numbers, strings, arrays and tensors can go in", line)
    try:
        allocated, computed = rule(args, kwargs)
    except ResourceLimitError as exc:
        raise ResourceLimitError(str(exc), line) from None
    except (TypeError, ValueError, IndexError, OverflowError):
        return  # arguments NumPy will reject when the call runs
    if allocated > limits.max_alloc_bytes:
        raise ResourceLimitError(
            f"{what} would allocate {format_bytes(allocated)}, more than the limit of "
            f"{format_bytes(limits.max_alloc_bytes)}. Nothing was allocated", line)
    if computed > limits.max_compute_elements:
        raise ResourceLimitError(
            f"{what} would work through {computed:,} elements, more than the limit of "
            f"{limits.max_compute_elements:,}", line)


def _dtype_has_objects(dtype: Any) -> bool:
    try:
        return np.dtype(dtype).hasobject
    except Exception:
        return False


def check_result(value: Any, line: int | None) -> None:
    """Refuse an array of Python objects however it came about (NumPy made it, not the
    script: nothing has used it yet)."""
    if isinstance(value, np.ndarray) and value.dtype.hasobject:
        raise RefusedError("refused: arrays of Python objects (dtype=object) are not "
                           "supported", line)
    if isinstance(value, (list, tuple)) and len(value) < 64:
        for item in value:
            if isinstance(item, np.ndarray) and item.dtype.hasobject:
                raise RefusedError("refused: arrays of Python objects (dtype=object) are not "
                                   "supported", line)


def check_operation(op: Callable, left: Any, right: Any, limits: Limits, inplace: bool, *,
                    line: int | None) -> None:
    """An operator with a NumPy operand: elementwise with broadcasting, or matmul."""
    if op in (operator.matmul, operator.imatmul):
        rule = matmul
        kwargs = {"out": left} if inplace else {}
    else:
        rule = elementwise
        kwargs = {"out": left} if inplace else {}
    check_call(rule, (left, right), kwargs, limits, line=line, what="this operation")


def involves_numpy(*values: Any) -> bool:
    return any(isinstance(v, (np.ndarray, np.generic)) for v in values)


def check_bridge(func: Any, args: tuple, kwargs: dict, line: int | None) -> None:
    """torch.from_numpy / torch.as_tensor of a read-only array over a bytes object would give
    a writable tensor over immutable memory (CPython shares some bytes objects process-wide):
    refuse it; a copy (torch.tensor, a.copy()) is fine."""
    if func not in (torch.from_numpy, torch.as_tensor):
        return
    value = args[0] if args else kwargs.get("data", kwargs.get("ndarray"))
    if isinstance(value, np.ndarray) and not value.flags.writeable \
            and isinstance(memory_root(value)[1], bytes):
        raise RefusedError("refused: a tensor over the memory of a bytes object could write "
                           "into it; copy the array first (torch.tensor(a) or a.copy())", line)


def check_setitem(container: Any, line: int | None) -> None:
    if isinstance(container, _FLAGS_TYPE):
        raise RefusedError("refused: changing an array's flags could make read-only memory "
                           "writable", line)


def holds_tensor_memory(arrays: list[np.ndarray], tensor: torch.Tensor) -> bool:
    """Whether the tensor's bytes lie in the memory one of the arrays lives in."""
    if tensor.is_meta or tensor.device.type != "cpu" or not tensor.numel():
        return False
    storage = tensor.untyped_storage()
    start, end = storage.data_ptr(), storage.data_ptr() + storage.nbytes()
    for a in arrays:
        low, high = memory_bounds(a)
        if low <= start and end <= high:
            return True
    return False
