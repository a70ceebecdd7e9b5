#! title (en): 8 · view vs reshape: when reshape copies
#! title (zh): 8 · view 与 reshape：reshape 什么时候复制
import torch
a = torch.arange(12).reshape(3, 4)
#: en: reshape on a contiguous tensor is a view: same storage, stride (6, 1).
#: zh: 对连续张量调用 reshape 得到视图：同一块存储，stride (6, 1)。
r1 = a.reshape(2, 6)
#: en: reshape on the transpose cannot be a view, so it copies into a new storage.
#: zh: 对转置调用 reshape 无法得到视图，于是复制到新的存储。
r2 = a.t().reshape(12)
#: en: Same storage pointer for r1, a different one for r2.
#: zh: r1 的存储指针相同，r2 的不同。
print(r1.untyped_storage().data_ptr() == a.untyped_storage().data_ptr(), r2.untyped_storage().data_ptr() == a.untyped_storage().data_ptr())
