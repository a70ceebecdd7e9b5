"""The interpreter's allowlist: which names, attributes and callables a script may reach."""

from __future__ import annotations

import builtins
import math
from functools import lru_cache

import torch

from stridescope.engine.interpret import numpy_policy
from stridescope.engine.interpret.guard import (  # noqa: F401 - the interpreter reads them here
    MAX_INT_BITS,
    MAX_MODPOW_WORK,
    MAX_ROUND_DIGITS,
    MAX_SEQUENCE_LENGTH,
)

# Attribute names refused on any object, with the reason shown to the user. They read or
# write files, run callables from Python, unpickle, or reach torch's internals.
DANGEROUS_ATTRIBUTES: dict[str, str] = {
    "load": "loading files can run arbitrary code (pickle)",
    "save": "a script may not write files",
    "from_file": "a script may not read files",
    "from_buffer": "a script may not read raw memory",
    "hub": "torch.hub downloads and runs code",
    "ops": "torch.ops reaches internal operators",
    "utils": "torch.utils is outside the allowlist",
    "jit": "torch.jit compiles and runs code",
    "compile": "torch.compile generates and runs code",
    "package": "torch.package loads code",
    "multiprocessing": "processes are not allowed",
    "distributed": "networking is not allowed",
    "library": "registering operators is not allowed",
    "cuda_path": "paths are not exposed",
    "tofile": "a script may not write files",
    "dump": "a script may not write files (pickle)",
    "dumps": "pickling is not allowed",
    "ctypes": "raw memory access is not allowed",
    "filename": "file names are not exposed",
    "apply_": "it calls a Python function on every element",
    "map_": "it calls a Python function on every element",
    "map2_": "it calls a Python function on every element",
    "register_hook": "hooks run Python callbacks",
    "register_post_accumulate_grad_hook": "hooks run Python callbacks",
    "share_memory_": "shared-memory files are not allowed",
    "set_": "set_ rebinds raw storage",
    "as_subclass": "it changes a tensor's Python class",
    "module_load": "it loads module state",
    "record_stream": "CUDA stream internals are not exposed",
    "pin_memory": "page-locked memory is not available here",
}

# Names refused outright: they reach files, the interpreter itself, or any attribute.
FORBIDDEN_NAMES: dict[str, str] = {
    "open": "a script may not open files",
    "exec": "Stridescope never executes code it has not vetted",
    "eval": "Stridescope never executes code it has not vetted",
    "compile": "Stridescope never executes code it has not vetted",
    "getattr": "attribute access by string bypasses the allowlist",
    "setattr": "attribute access by string bypasses the allowlist",
    "delattr": "attribute access by string bypasses the allowlist",
    "hasattr": "attribute access by string bypasses the allowlist",
    "globals": "the interpreter's namespace is not exposed",
    "locals": "the interpreter's namespace is not exposed",
    "vars": "the interpreter's namespace is not exposed",
    "dir": "the interpreter's namespace is not exposed",
    "input": "a script cannot read from the keyboard",
    "breakpoint": "debuggers are not allowed",
    "help": "help() is interactive",
    "exit": "a script cannot exit the app",
    "quit": "a script cannot exit the app",
    "memoryview": "raw memory access is not allowed",
    "object": "raw object construction is not allowed",
    "super": "classes are not supported",
    "classmethod": "classes are not supported",
    "staticmethod": "classes are not supported",
    "property": "classes are not supported",
}

PRIVATE_ATTRIBUTES_ALLOWED = frozenset({"_base", "_is_view", "_version"})

# Builtins a script may call; each is the real builtin (they take plain values only).
SAFE_BUILTIN_NAMES = (
    "print len list tuple range int float complex bool str hex oct bin id isinstance abs min "
    "max sum round enumerate zip sorted reversed type repr any all dict set divmod pow ord chr "
    "slice"
).split()

# Classes that may be called to construct a value.
ALLOWED_CONSTRUCTORS = frozenset(
    {int, float, complex, bool, str, list, tuple, dict, set, range, slice, reversed, enumerate,
     zip, torch.Size, torch.device, torch.finfo, torch.iinfo}
)

# torch.* functions that create tensors from a size; probed on the meta device first.
FACTORIES = frozenset(
    "zeros ones empty full rand randn randint randperm eye arange linspace logspace "
    "empty_strided range".split()
)

_TORCH_EXTRA = (
    "tensor as_tensor scalar_tensor complex polar zeros_like ones_like empty_like full_like "
    "rand_like randn_like randint_like manual_seed initial_seed seed cat concat concatenate "
    "stack hstack vstack dstack column_stack row_stack meshgrid broadcast_tensors "
    "broadcast_shapes broadcast_to equal allclose isclose is_tensor is_storage "
    "is_floating_point is_complex numel get_default_dtype set_printoptions finfo iinfo "
    "result_type promote_types can_cast where einsum tensordot view_as_real view_as_complex "
    "from_numpy as_strided unravel_index atleast_1d atleast_2d atleast_3d block_diag "
    "cartesian_prod combinations tril_indices triu_indices movedim moveaxis swapaxes swapdims "
    "split chunk tensor_split hsplit vsplit dsplit unbind narrow narrow_copy select squeeze "
    "unsqueeze permute t transpose diagonal diag flip fliplr flipud roll rot90 gather take "
    "index_select masked_select nonzero argwhere sort argsort topk matmul mm bmm dot outer "
    "Size Tensor device dtype strided channels_last channels_last_3d contiguous_format "
    "preserve_format sparse_coo inf nan pi e newaxis flatten unflatten reshape clone "
    "bucketize searchsorted histc bincount cumsum cumprod diff kron trace tril triu"
).split()


@lru_cache(maxsize=1)
def tensor_attributes() -> frozenset[str]:
    """Public Tensor attributes minus the dangerous ones, plus the allowlisted private ones."""
    public = {n for n in dir(torch.Tensor) if not n.startswith("_")}
    return frozenset((public - DANGEROUS_ATTRIBUTES.keys()) | PRIVATE_ATTRIBUTES_ALLOWED)


@lru_cache(maxsize=1)
def torch_attributes() -> frozenset[str]:
    """torch.* names a script may use: tensor-op mirrors, factories, dtypes, formats."""
    names = set(FACTORIES) | set(_TORCH_EXTRA)
    for name in dir(torch):
        if name.startswith("_"):
            continue
        value = getattr(torch, name, None)
        if isinstance(value, (torch.dtype, torch.memory_format, torch.layout)):
            names.add(name)
        elif name in tensor_attributes() and callable(value):
            names.add(name)
    names |= {"cuda", "accelerator", "backends"}
    names -= DANGEROUS_ATTRIBUTES.keys()
    return frozenset(n for n in names if hasattr(torch, n))


STORAGE_ATTRIBUTES = frozenset(
    "tolist data_ptr nbytes size element_size dtype device type is_cuda cpu clone float double "
    "int long half bool byte char short fill_ copy_ untyped is_pinned is_shared get_device "
    "resizable".split()
)

_STR_METHODS = frozenset(
    "upper lower title capitalize casefold swapcase strip lstrip rstrip split rsplit splitlines "
    "join startswith endswith find rfind index rindex count replace isdigit isalpha isalnum "
    "isspace isupper islower isnumeric isdecimal partition rpartition removeprefix "
    "removesuffix".split()
)
_SEQ_METHODS = frozenset({"count", "index"})
_LIST_METHODS = frozenset(
    "append extend pop insert index count reverse copy remove clear sort".split()
)
_DICT_METHODS = frozenset("keys values items get copy pop update setdefault clear".split())
_SET_METHODS = frozenset(
    "add remove discard union intersection difference symmetric_difference copy "
    "issubset issuperset clear pop".split()
)
_NUMBER_ATTRS = frozenset("real imag conjugate bit_length is_integer as_integer_ratio".split())
_DTYPE_ATTRS = frozenset(
    "is_floating_point is_complex is_signed itemsize to_real to_complex".split()
)
_INFO_ATTRS = frozenset("bits eps max min tiny smallest_normal resolution dtype".split())
_RANGE_ATTRS = frozenset({"start", "stop", "step", "count", "index"})
# Tutorials ask whether an accelerator is there (here: no) before moving tensors to it.
_DEVICE_MODULES = {
    torch.cuda: frozenset({"is_available", "device_count"}),
    torch.accelerator: frozenset({"is_available", "current_accelerator", "device_count"}),
    torch.backends: frozenset({"mps"}),
    torch.backends.mps: frozenset({"is_available", "is_built"}),
}


# Rules a run switches on for itself (a mesh run's ranks: engine/interpret/mesh.py), asked
# first: allowed_attributes(obj), constructs(cls), skips_probe(values).
EXTENSIONS: list = []


def allowed_attributes(obj: object) -> frozenset[str] | None:
    """The attribute names a script may read on `obj`, or None when none are."""
    for extension in EXTENSIONS:
        names = extension.allowed_attributes(obj)
        if names is not None:
            return names
    if obj is torch:
        return torch_attributes()
    device_module = next((names for m, names in _DEVICE_MODULES.items() if m is obj), None)
    if device_module is not None:
        return device_module
    if isinstance(obj, torch.Tensor):
        return tensor_attributes()
    if isinstance(obj, (torch.TypedStorage, torch.UntypedStorage)):
        return STORAGE_ATTRIBUTES
    if isinstance(obj, torch.dtype):
        return _DTYPE_ATTRS
    if isinstance(obj, torch.device):
        return frozenset({"type", "index"})
    if isinstance(obj, (torch.finfo, torch.iinfo)):
        return _INFO_ATTRS
    if isinstance(obj, torch.autograd.graph.Node):
        return frozenset({"name", "next_functions"})
    if isinstance(obj, torch.Generator):
        return frozenset({"initial_seed"})
    if type(obj).__module__ == "torch.return_types":
        return frozenset(obj._fields if hasattr(obj, "_fields") else ()) | _SEQ_METHODS | {
            "values", "indices"}
    if isinstance(obj, str):
        return _STR_METHODS
    if isinstance(obj, list):
        return _LIST_METHODS
    if isinstance(obj, dict):
        return _DICT_METHODS
    if isinstance(obj, (set, frozenset)):
        return _SET_METHODS
    if isinstance(obj, tuple):
        return _SEQ_METHODS | ({"numel"} if isinstance(obj, torch.Size) else frozenset())
    numpy_names = numpy_policy.allowed_attributes(obj)
    if numpy_names is not None:  # before Python numbers: np.float64 is a float
        return numpy_names
    if isinstance(obj, (bool, int, float, complex)):
        return _NUMBER_ATTRS
    if isinstance(obj, range):
        return _RANGE_ATTRS
    if isinstance(obj, slice):
        return frozenset({"start", "stop", "step"})
    return None


def extension_constructs(func: object) -> bool:
    return any(extension.constructs(func) for extension in EXTENSIONS)


def extension_skips_probe(values: tuple) -> bool:
    return any(extension.skips_probe(values) for extension in EXTENSIONS)


def safe_builtins() -> dict[str, object]:
    return {name: getattr(builtins, name) for name in SAFE_BUILTIN_NAMES}


def is_python_builtin(name: str) -> bool:
    return hasattr(builtins, name)




def int_result_bits(base: int, exponent: int) -> float:
    """Upper bound on the bit length of base ** exponent."""
    if abs(base) <= 1 or exponent <= 0:
        return 1
    return exponent * math.log2(abs(base))



# Tensor.type() accepts these names (torch maps them in C++; nothing is imported).
_TENSOR_TYPE_NAMES = frozenset(
    f"torch.{kind}Tensor" for kind in
    "Float Double Half BFloat16 Byte Char Short Int Long Bool ComplexFloat ComplexDouble".split()
)
# set_printoptions: beyond these the printing itself would not end
_PRINT_OPTION_LIMITS = {"precision": 100, "linewidth": 100_000, "edgeitems": 10_000}


def check_string_arguments(func: object, owner: object, args: tuple, kwargs: dict,
                           line: int | None) -> None:
    """Refuse calls that turn a string into an import, and print options that never end.

    torch resolves some string arguments by importing a module and reading an attribute
    (Storage.type("x.y") imports x): such a call could run any module's import-time code."""
    from stridescope.engine.interpret.errors import RefusedError, ResourceLimitError

    name = getattr(func, "__name__", "")
    strings = [v for v in (*args, *kwargs.values()) if isinstance(v, str)]
    if name == "type" and strings:
        if isinstance(owner, (torch.TypedStorage, torch.UntypedStorage)):
            raise RefusedError(
                "refused: storage.type('…') imports a module by name; use .float(), "
                ".double(), … or tensor.to(dtype)", line)
        if isinstance(owner, torch.Tensor) and any(s not in _TENSOR_TYPE_NAMES for s in strings):
            raise RefusedError(
                f"refused: tensor.type({strings[0][:60]!r}) — a type name that is not one of "
                f"torch's tensor types (e.g. 'torch.FloatTensor'); pass a dtype instead", line)
    if func is torch.set_printoptions:
        for key, limit in _PRINT_OPTION_LIMITS.items():
            value = kwargs.get(key)
            if isinstance(value, int) and value > limit:
                raise ResourceLimitError(
                    f"set_printoptions({key}={value:,}) is too large; use at most {limit:,}",
                    line)
        if args and isinstance(args[0], int) and args[0] > _PRINT_OPTION_LIMITS["precision"]:
            raise ResourceLimitError("set_printoptions precision is too large", line)
