#! title (en): 10 · Beyond the tutorial: expand, unfold, diagonal, flip, channels_last, view(dtype)
#! title (zh): 10 · 教程之外：expand、unfold、diagonal、flip、channels_last、view(dtype)
import torch
row = torch.arange(3)
#: en: expand repeats without copying: stride 0 on the new dim, so all 4 rows read the same 3 cells.
#: zh: expand 重复而不复制：新维度的 stride 为 0，4 行读的都是同样的 3 个单元。
rows = row.expand(4, 3)
x = torch.arange(8)
#: en: unfold makes overlapping windows: size 3, step 1, stride (1, 1) — windows share cells.
#: zh: unfold 生成重叠的窗口：大小 3、步长 1、stride (1, 1)——窗口之间共享单元。
windows = x.unfold(0, 3, 1)
m = torch.arange(9).reshape(3, 3)
#: en: The diagonal of a 3×3 matrix is a view with stride (4,): n + 1 cells per step.
#: zh: 3×3 矩阵的对角线是一个 stride 为 (4,) 的视图：每步跨 n + 1 个单元。
d = m.diagonal()
#: en: flip cannot use a negative stride in PyTorch, so it copies into a new storage.
#: zh: PyTorch 不支持负 stride，所以 flip 会复制到新的存储。
f = m.flip(0)
#: en: channels_last keeps shape (1, 3, 2, 2) but stores channels innermost: stride (12, 1, 6, 3).
#: zh: channels_last 保持 shape (1, 3, 2, 2)，但把通道放在最内层：stride (12, 1, 6, 3)。
img = torch.arange(12.).reshape(1, 3, 2, 2).to(memory_format=torch.channels_last)
#: en: view(dtype) reinterprets the same bytes: 4 float32 values become 8 int16 halves.
#: zh: view(dtype) 重新解释同样的字节：4 个 float32 变成 8 个 int16。
bits = torch.ones(4).view(torch.int16)
#: en: A small slice keeps its whole storage alive: 2 elements, but the storage still holds 8.
#: zh: 一个小切片会让整块存储保持存活：只有 2 个元素，但存储仍有 8 个。
small = x[2:4]
print(small.numel(), small.untyped_storage().nbytes() // small.element_size())
