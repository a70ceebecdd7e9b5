"""The function sent to a Jupyter kernel (as source) to describe its tensors as JSON.

It must run where stridescope is not importable, so it is one self-contained function: the
standard library, and torch/numpy only if the user already imported them (it imports
neither). It never raises, prints nothing, binds nothing in the user's namespace (the caller
wraps it, see live/attach.py), and never pickles: the answer is one JSON text. The receiving
side trusts none of it (live/attach.py validates every field).

No `from __future__` import here: its source is run in the user's kernel, where such an
import would change how the user's next cells compile.
"""

FORMAT = "stridescope-kernel/1"


def stridescope_probe(namespace, options):
    """JSON text describing the tensors and NumPy arrays bound to top-level names in
    `namespace` (names starting with "_" are skipped); `options` holds the limits and the
    digests of storages the caller already has (their bytes are not sent again)."""
    import base64
    import hashlib
    import json
    import sys

    out = {"format": "stridescope-kernel/1", "python": sys.version.split()[0],
           "torch": None, "numpy": None, "tensors": [], "storages": [], "arrays": [],
           "skipped": [], "truncated": False, "error": None}
    value_limit = int(options.get("value_limit", 10000))
    byte_limit = int(options.get("byte_limit", 8 << 20))
    budget = [int(options.get("total_limit", 64 << 20))]
    max_names = int(options.get("max_names", 256))
    known = options.get("known", {})

    def plain(value):
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, complex):
            return [value.real, value.imag]
        return value

    try:
        torch = sys.modules.get("torch")
        numpy = sys.modules.get("numpy")
        tensor_type = getattr(torch, "Tensor", None)
        array_type = getattr(numpy, "ndarray", None)
        out["torch"] = getattr(torch, "__version__", None) if torch else None
        out["numpy"] = getattr(numpy, "__version__", None) if numpy else None
        storages = {}

        def storage_entry(t):
            storage = t.untyped_storage()
            key = str(storage._cdata)
            if key in storages:
                return key
            nbytes = int(storage.nbytes())
            entry = {"key": key, "data_ptr": int(storage.data_ptr()), "nbytes": nbytes,
                     "device": str(t.device), "digest": None, "raw": None, "same": False}
            if (not t.is_meta and nbytes <= byte_limit and nbytes <= budget[0]
                    and numpy is not None):
                as_bytes = torch.empty(0, dtype=torch.uint8, device=t.device)
                as_bytes.set_(storage, 0, (nbytes,), (1,))
                raw = as_bytes.cpu().numpy().tobytes()
                entry["digest"] = hashlib.blake2b(raw, digest_size=16).hexdigest()
                if known.get(key) == entry["digest"]:
                    entry["same"] = True
                else:
                    budget[0] -= nbytes
                    entry["raw"] = base64.b64encode(raw).decode("ascii")
            storages[key] = entry
            out["storages"].append(entry)
            return key

        ids = {id(v): k for k, v in namespace.items()
               if isinstance(k, str) and not k.startswith("_")}
        for name, value in list(namespace.items()):
            if not isinstance(name, str) or name.startswith("_"):
                continue
            is_tensor = tensor_type is not None and isinstance(value, tensor_type)
            is_array = array_type is not None and isinstance(value, array_type)
            if not (is_tensor or is_array):
                continue
            if len(out["tensors"]) + len(out["arrays"]) >= max_names:
                out["truncated"] = True
                break
            try:
                if is_tensor:
                    t = value
                    if t.layout != torch.strided:
                        raise TypeError("layout " + str(t.layout) + " has no strided storage")
                    entry = {
                        "name": name, "id": id(t), "shape": list(t.shape),
                        "stride": list(t.stride()), "storage_offset": int(t.storage_offset()),
                        "dtype": str(t.dtype), "itemsize": int(t.element_size()),
                        "device": str(t.device), "data_ptr": int(t.data_ptr()),
                        "numel": int(t.numel()), "is_contiguous": bool(t.is_contiguous()),
                        "is_channels_last": (bool(t.is_contiguous(
                            memory_format=torch.channels_last)) if t.dim() == 4 else None),
                        "requires_grad": bool(t.requires_grad), "is_meta": bool(t.is_meta),
                        "is_view": bool(t._is_view()),
                        "base": ids.get(id(t._base)) if t._base is not None else None,
                        "storage": storage_entry(t), "values": None,
                    }
                    if not t.is_meta and t.numel() <= value_limit:
                        entry["values"] = plain(
                            t.detach().cpu().resolve_conj().resolve_neg().tolist())
                    out["tensors"].append(entry)
                else:
                    a = value
                    entry = {
                        "name": name, "shape": list(a.shape), "strides": list(a.strides),
                        "dtype": str(a.dtype), "itemsize": int(a.itemsize),
                        "data_ptr": int(a.__array_interface__["data"][0]),
                        "c_contiguous": bool(a.flags.c_contiguous),
                        "f_contiguous": bool(a.flags.f_contiguous),
                        "owndata": bool(a.flags.owndata), "values": None,
                    }
                    if a.size <= value_limit and a.dtype.kind in "biufc":
                        entry["values"] = plain(a.tolist())
                    out["arrays"].append(entry)
            except Exception as exc:  # one odd object must not hide the others
                out["skipped"].append({"name": name, "reason": type(exc).__name__ + ": "
                                       + str(exc)[:200]})
    except Exception as exc:
        out = {"format": out["format"], "error": type(exc).__name__ + ": " + str(exc)[:500]}
    text = json.dumps(out, separators=(",", ":"))
    # the text travels as the repr of a str: with no ' in it, that repr only doubles "\"
    return text.replace("'", "\\u0027")
