#! title (en): 6 · Contiguity
#! title (zh): 6 · 连续性
import torch
#: en: Freshly made tensors are contiguous: reading row by row walks the storage cell by cell.
#: zh: 新建的张量是连续的：逐行读取就是逐个单元地走过存储。
a = torch.arange(6).reshape(2, 3)
#: en: The transpose has stride (1, 3): row by row it jumps around, so it is not contiguous.
#: zh: 转置的 stride 是 (1, 3)：逐行读取时会来回跳，所以不连续。
b = a.t()
print(a.is_contiguous(), b.is_contiguous())
#: en: flatten() on the transpose must copy: the new tensor has its own storage, in row-major order.
#: zh: 对转置调用 flatten() 必须复制：新张量有自己的存储，按行优先顺序排列。
flat = b.flatten()
print(flat, flat.is_contiguous())
