#! title (en): 4 · Stride: how far to jump for each dimension
#! title (zh): 4 · 步长 stride：每个维度要跳多远
import torch
#: en: 12 numbers in a 3×4 grid. Moving one column right is 1 cell; one row down is 4 cells: stride (4, 1).
#: zh: 3×4 网格中的 12 个数。向右移一列是 1 个单元；向下移一行是 4 个单元：stride (4, 1)。
t = torch.arange(12).reshape(3, 4)
#: en: stride() reports it: (4, 1). Element [i, j] lives at storage index 4·i + 1·j.
#: zh: stride() 给出 (4, 1)。元素 [i, j] 位于存储下标 4·i + 1·j。
print(t.stride())
#: en: Three dimensions: shape (2, 3, 2) gives stride (6, 2, 1) — each stride is the product of the sizes to its right.
#: zh: 三维时 shape (2, 3, 2) 的 stride 是 (6, 2, 1)——每个 stride 等于它右边各维大小的乘积。
u = torch.arange(12).reshape(2, 3, 2)
