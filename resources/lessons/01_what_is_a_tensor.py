#! title (en): 1 · What a tensor is: scalar, vector, matrix
#! title (zh): 1 · 什么是张量：标量、向量、矩阵
import torch
#: en: A scalar is a 0-D tensor: shape (), one value. It is still backed by a storage — one float32 cell of 4 bytes.
#: zh: 标量是 0 维张量：形状为 ()，只有一个值。它背后仍然有一块存储——一个 4 字节的 float32 单元。
scalar = torch.tensor(3.5)
#: en: A vector is 1-D: shape (4,), stride (1,) — the next element is in the next cell, storage index + 1.
#: zh: 向量是 1 维的：形状 (4,)，步长 (1,)——下一个元素就在下一个单元，存储下标加 1。
vector = torch.tensor([1, 2, 3, 4])
#: en: A matrix is 2-D: shape (2, 3), stride (3, 1). One column right advances 1 cell; one row down advances 3 cells — a whole row of 3. Element [i, j] is at storage index 3·i + 1·j.
#: zh: 矩阵是 2 维的：形状 (2, 3)，步长 (3, 1)。向右一列前进 1 个单元；向下一行前进 3 个单元——正好一整行 3 个。元素 [i, j] 位于存储下标 3·i + 1·j。
matrix = torch.tensor([[1, 2, 3], [4, 5, 6]])
#: en: ndim counts the dimensions (0, 1 and 2 here); numel counts the elements (6 for the matrix).
#: zh: ndim 是维数（这里分别是 0、1、2）；numel 是元素个数（矩阵有 6 个）。
#? output
print(scalar.ndim, vector.ndim, matrix.ndim, matrix.numel())
