#! title (en): 3 · transpose shares the storage
#! title (zh): 3 · transpose 共享存储
import torch
#: en: A 2×3 tensor: shape (2, 3), stride (3, 1).
#: zh: 一个 2×3 的张量：形状 (2, 3)，步长 (3, 1)。
a = torch.arange(6).reshape(2, 3)
#: en: transpose makes a view with shape (3, 2) and stride (1, 3): the same storage, read in another order. Nothing is copied.
#: zh: transpose 生成一个形状 (3, 2)、步长 (1, 3) 的视图：同一块存储，换一种顺序读取。没有复制任何数据。
b = a.transpose(0, 1)
#: en: The same storage data pointer: one memory, two tensors.
#: zh: 存储的数据指针相同：一块内存，两个张量。
print(a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr())
#: en: b[0, 1] is at storage index 0·1 + 1·3 = 3 — the cell a[1, 0] reads too. Writing through b changes a.
#: zh: b[0, 1] 位于存储下标 0·1 + 1·3 = 3——a[1, 0] 读的也是这个单元。通过 b 写入也会改变 a。
#? value a[1, 0]
b[0, 1] = 100
#: en: a shows 100 at [1, 0]: they are two views of one memory.
#: zh: a 在 [1, 0] 处显示 100：它们是同一块内存的两个视图。
print(a)
