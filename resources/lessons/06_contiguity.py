#! title (en): 6 · Contiguity
#! title (zh): 6 · 连续性
import torch
#: en: A fresh tensor is contiguous: reading it row by row visits storage indices 0, 1, 2, 3, 4, 5 — in order, one cell at a time. Its stride (3, 1) is exactly the row-major stride for shape (2, 3).
#: zh: 新建的张量是连续的：逐行读取时依次访问存储下标 0、1、2、3、4、5——按顺序，每次前进一个单元。它的步长 (3, 1) 正是形状 (2, 3) 的行优先步长。
a = torch.arange(6).reshape(2, 3)
#: en: The transpose has shape (3, 2) and stride (1, 3). Read row by row it visits storage indices 0, 3, 1, 4, 2, 5 — out of order, so it is not contiguous (a row-major 3×2 tensor would have strides 2 and 1).
#: zh: 转置的形状是 (3, 2)，步长是 (1, 3)。逐行读取时访问存储下标 0、3、1、4、2、5——顺序被打乱，所以它不连续（按行优先存放的 3×2 张量，步长应是 2 和 1）。
b = a.t()
#: en: is_contiguous(): True for a, False for b.
#: zh: is_contiguous()：a 为 True，b 为 False。
#? output
print(a.is_contiguous(), b.is_contiguous())
#: en: flatten() on the transpose must copy: a new storage holding 0, 3, 1, 4, 2, 5 in that order. The copy is contiguous.
#: zh: 对转置调用 flatten() 必须复制：新的存储按顺序存放 0、3、1、4、2、5。这个副本是连续的。
flat = b.flatten()
print(flat, flat.is_contiguous())
