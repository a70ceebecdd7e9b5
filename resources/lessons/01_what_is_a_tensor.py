#! title (en): 1 · What a tensor is: scalar, vector, matrix
#! title (zh): 1 · 什么是张量：标量、向量、矩阵
import torch
#: en: A scalar is a 0-D tensor: shape (), one value, still backed by a storage of one cell.
#: zh: 标量是 0 维张量：shape 为 ()，只有一个值，背后仍是一个只有一个单元的存储。
scalar = torch.tensor(3.5)
#: en: A vector is 1-D: shape (4,) and stride (1,) — the next element is the next cell.
#: zh: 向量是 1 维的：shape (4,)、stride (1,)——下一个元素就在下一个单元。
vector = torch.tensor([1, 2, 3, 4])
#: en: A matrix is 2-D: shape (2, 3) and stride (3, 1) — one row down skips 3 cells.
#: zh: 矩阵是 2 维的：shape (2, 3)、stride (3, 1)——往下一行要跳过 3 个单元。
matrix = torch.tensor([[1, 2, 3], [4, 5, 6]])
#: en: ndim counts the dimensions; numel counts the elements (6 here).
#: zh: ndim 是维数；numel 是元素个数（这里是 6）。
print(scalar.ndim, vector.ndim, matrix.ndim, matrix.numel())
