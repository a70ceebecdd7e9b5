#! title (en): 16 · Size-1 dimensions and their "any" strides
#! title (zh): 16 · 大小为 1 的维度和它们“随意”的步长
import torch
#: en: Shape (2, 1, 3), stride (3, 3, 1): dim 1 has one element, so its stride is never used to move.
#: zh: 形状 (2, 1, 3)，步长 (3, 3, 1)：第 1 维只有一个元素，所以它的步长从来不会被用来移动。
a = torch.arange(6).view(2, 1, 3)
#: en: Any stride gives the same elements there: stride (3, 100, 1) reads exactly the same cells, because index 0 × 100 = 0.
#: zh: 那里的步长取什么值，元素都一样：步长 (3, 100, 1) 读的单元完全相同，因为下标 0 × 100 = 0。
b = a.as_strided((2, 1, 3), (3, 100, 1))
#: en: So is_contiguous() ignores size-1 dims: both are contiguous and equal. It prints True True True.
#: zh: 所以 is_contiguous() 忽略大小为 1 的维度：两者都是连续的，而且相等。输出 True True True。
print(a.is_contiguous(), b.is_contiguous(), torch.equal(a, b))
#: en: view() does not mind either: b.view(6) works, shape (6,), stride (1,).
#: zh: view() 也不在乎：b.view(6) 可以成功，形状 (6,)，步长 (1,)。
flat = b.view(6)
#: en: A row of 3: shape (1, 3), stride (3, 1).
#: zh: 一行 3 个数：形状 (1, 3)，步长 (3, 1)。
row = torch.arange(3).view(1, 3)
#: en: Predict: its transpose has shape (3, 1) and stride (1, 3) — swapped strides, yet it is contiguous, because the only dim that moves has stride 1. It prints True.
#: zh: 先预测：它的转置形状 (3, 1)、步长 (1, 3)——步长交换了，却仍然连续，因为唯一会移动的维度步长是 1。输出 True。
col = row.t()
print(col.is_contiguous())
#: en: A 2×3 matrix: shape (2, 3), stride (3, 1).
#: zh: 一个 2×3 矩阵：形状 (2, 3)，步长 (3, 1)。
m = torch.arange(6).view(2, 3)
#: en: unsqueeze has to pick a stride for the new size-1 dim too: unsqueeze(1) gives stride (3, 3, 1).
#: zh: unsqueeze 也要给新的大小为 1 的维度选一个步长：unsqueeze(1) 得到步长 (3, 3, 1)。
mid = m.unsqueeze(1)
#: en: unsqueeze(2) gives stride (3, 1, 1): any value would do; torch picks size × stride of the dim to its right, or 1 at the end. It prints (3, 3, 1) (3, 1, 1).
#: zh: unsqueeze(2) 得到步长 (3, 1, 1)：取什么值都可以；torch 选的是右边那一维的大小 × 步长，在末尾则是 1。输出 (3, 3, 1) (3, 1, 1)。
last = m.unsqueeze(2)
print(mid.stride(), last.stride())
