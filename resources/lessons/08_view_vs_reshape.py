#! title (en): 8 · view vs reshape: reshape copies only when it must
#! title (zh): 8 · view 与 reshape：reshape 只在不得不时才复制
import torch
#: en: A 3×4 tensor: shape (3, 4), stride (4, 1).
#: zh: 一个 3×4 的张量：形状 (3, 4)，步长 (4, 1)。
a = torch.arange(12).reshape(3, 4)
#: en: reshape on a contiguous tensor returns a view: the same storage, stride (6, 1).
#: zh: 对连续张量调用 reshape 返回视图：同一块存储，步长 (6, 1)。
r1 = a.reshape(2, 6)
#: en: The transpose: shape (4, 3), stride (1, 4), not contiguous.
#: zh: 转置：形状 (4, 3)，步长 (1, 4)，不连续。
t = a.t()
#: en: reshape on the transpose can still be a view when the strides allow it: (2, 2, 3) only splits dim 0, so r2 is a view with stride (2, 1, 4) on a's storage.
#: zh: 只要步长允许，对转置调用 reshape 仍然可以得到视图：(2, 2, 3) 只是拆分第 0 维，所以 r2 是 a 的存储上的视图，步长 (2, 1, 4)。
r2 = t.reshape(2, 2, 3)
#: en: reshape(12) would have to merge dims with strides 1 and 4 — no view can do that, so reshape copies into a new storage, stride (1,).
#: zh: reshape(12) 需要合并步长为 1 和 4 的两个维度——任何视图都做不到，所以 reshape 复制到新的存储，步长 (1,)。
r3 = t.reshape(12)
#: en: Storage pointers: r1 and r2 share a's storage, r3 does not.
#: zh: 存储指针：r1 和 r2 与 a 共享存储，r3 不共享。
#? output
print(r1.untyped_storage().data_ptr() == a.untyped_storage().data_ptr(), r2.untyped_storage().data_ptr() == a.untyped_storage().data_ptr(), r3.untyped_storage().data_ptr() == a.untyped_storage().data_ptr())
#: en: A write through the copy: r3[0] = 100. r3 has its own storage, so a[0, 0] is still 0.
#: zh: 通过副本写入：r3[0] = 100。r3 有自己的存储，所以 a[0, 0] 仍然是 0。
#? value a[0, 0]
r3[0] = 100
#: en: A write through the view: r2[0, 0, 0] = -1. r2[0, 0, 0] is storage index 0 of a's storage — the cell of a[0, 0], which is now -1.
#: zh: 通过视图写入：r2[0, 0, 0] = -1。r2[0, 0, 0] 就是 a 的存储中下标 0 的单元——也就是 a[0, 0]，它现在是 -1。
#? value a[0, 0]
r2[0, 0, 0] = -1
#: en: So reshape = a view when one exists, else a copy — and you cannot tell which from the call. view is not faster than reshape: when a view is possible, reshape returns that same view (same storage, same strides) and copies nothing. view() only refuses to copy, so use it when a silent copy would be a bug.
#: zh: 所以 reshape = 能视图就视图，否则复制——从调用本身看不出是哪一种。view 并不比 reshape 更快：能得到视图时，reshape 返回的就是同样的视图（同一块存储、同样的步长），什么也不复制。view() 只是拒绝复制；当悄悄复制会造成错误时，就用 view。
print(a)
