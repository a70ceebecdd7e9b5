#! title (en): 3 · transpose shares the storage
#! title (zh): 3 · transpose 共享存储
import torch
#: en: A 2×3 tensor with stride (3, 1).
#: zh: 一个 stride 为 (3, 1) 的 2×3 张量。
a = torch.arange(6).reshape(2, 3)
#: en: transpose creates a view with stride (1, 3): the same storage, read in another order.
#: zh: transpose 生成一个 stride 为 (1, 3) 的视图：同一块存储，换一种顺序读取。
b = a.transpose(0, 1)
#: en: Same storage data_ptr: nothing was copied.
#: zh: 存储的 data_ptr 相同：没有发生复制。
print(a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr())
#: en: Writing through b changes a too — they are two views of one memory.
#: zh: 通过 b 写入也会改变 a——它们是同一块内存的两个视图。
b[0, 1] = 100
print(a)
