#! title (en): 15 · Negative steps: NumPy reads backwards, PyTorch copies with flip
#! title (zh): 15 · 负间隔：NumPy 反向读取，PyTorch 用 flip 复制
import torch
#: en: Six numbers: shape (6,), stride (1,).
#: zh: 六个数：形状 (6,)，步长 (1,)。
x = torch.arange(6)
#: en: In NumPy, a[::-1] is a view with a negative stride (-8 bytes): it reads the same memory backwards. PyTorch strides are never negative, so the same slice is an error.
#: zh: 在 NumPy 中，a[::-1] 是一个步长为负（-8 字节）的视图：它反向读取同一块内存。PyTorch 的步长从不为负，所以同样的切片会报错。
backwards = x[::-1]  #! expect-error
#: en: flip(0) gives the reversed elements as a copy: a new storage, shape (6,), stride (1,).
#: zh: flip(0) 以副本的形式给出反向的元素：新的存储，形状 (6,)，步长 (1,)。
rev = x.flip(0)
#: en: A copy, not a view: writing into rev leaves x alone. It prints [100, 4, 3, 2, 1, 0] 5.
#: zh: 是副本，不是视图：写入 rev 不会改变 x。输出 [100, 4, 3, 2, 1, 0] 5。
rev[0] = 100
print(rev.tolist(), x[5].item())
#: en: NumPy's a[::-2] is flip, then a positive step: shape (3,), stride (2,) — a view of the flipped copy. It prints [5, 3, 1].
#: zh: NumPy 的 a[::-2] 相当于先 flip，再用正的间隔切片：形状 (3,)，步长 (2,)——是翻转后副本的视图。输出 [5, 3, 1]。
odd = x.flip(0)[::2]
print(odd.tolist())
#: en: Now a matrix: m holds the numbers 0…5 in 2 rows of 3, shape (2, 3), stride (3, 1).
#: zh: 现在换成矩阵：m 把数字 0…5 排成 2 行、每行 3 个，形状 (2, 3)，步长 (3, 1)。
m = torch.arange(6).view(2, 3)
#: en: On a matrix, flip(1) reverses each row (a copy again): shape (2, 3), stride (3, 1). It prints [[2, 1, 0], [5, 4, 3]].
#: zh: 对矩阵来说，flip(1) 把每一行反过来（同样是副本）：形状 (2, 3)，步长 (3, 1)。输出 [[2, 1, 0], [5, 4, 3]]。
mirrored = m.flip(1)
print(mirrored.tolist())
