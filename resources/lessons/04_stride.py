#! title (en): 4 · Stride: how far to advance for each dimension
#! title (zh): 4 · 步长：每个维度要前进多远
import torch
#: en: 12 numbers in a 3×4 grid. One column right advances 1 cell; one row down advances 4 cells: stride (4, 1).
#: zh: 3×4 网格中的 12 个数。向右一列前进 1 个单元；向下一行前进 4 个单元：步长 (4, 1)。
t = torch.arange(12).reshape(3, 4)
#: en: stride() reports it: (4, 1). Element [i, j] lives at storage index 4·i + 1·j — [2, 1] at 9.
#: zh: stride() 给出 (4, 1)。元素 [i, j] 位于存储下标 4·i + 1·j——[2, 1] 在下标 9。
print(t.stride(), t[2, 1].item())
#: en: Three dimensions: the same 12 cells viewed as shape (2, 3, 2) get stride (6, 2, 1). For a contiguous tensor each stride is the product of the sizes to its right: 6 = 3·2, 2 = 2, 1.
#: zh: 三维时：同样的 12 个单元按形状 (2, 3, 2) 来看，步长是 (6, 2, 1)。对连续的张量来说，每个步长等于它右边各维大小的乘积：6 = 3·2，2 = 2，最后一个是 1。
u = t.view(2, 3, 2)
#: en: Strides need not follow that rule. A 3×3 matrix m: shape (3, 3), stride (3, 1)…
#: zh: 步长并不一定遵循这条规则。一个 3×3 矩阵 m：形状 (3, 3)，步长 (3, 1)……
m = torch.arange(9).reshape(3, 3)
#: en: …and its diagonal: a view with stride (4,). From [i, i] to [i+1, i+1] advances one row and one column, 3 + 1 cells.
#: zh: ……它的对角线是一个步长为 (4,) 的视图：从 [i, i] 到 [i+1, i+1] 前进一行加一列，即 3 + 1 个单元。
d = m.diagonal()
#: en: A stride can be 0 (lesson 10) but never negative in PyTorch: flip(0) cannot be a view that reads the rows backwards, so it copies them into a new storage, stride (3, 1).
#: zh: 在 PyTorch 里步长可以是 0（第 10 课），但不能是负数：flip(0) 无法成为倒着读各行的视图，只能把各行复制到新的存储，步长 (3, 1)。
f = m.flip(0)
