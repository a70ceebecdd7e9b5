#! title (en): 17 · A small slice keeps its whole storage alive
#! title (zh): 17 · 一个小切片会让整块存储一直存活
import torch
#: en: 100 int64 numbers: one storage of 800 bytes.
#: zh: 100 个 int64 数：一块 800 字节的存储。
big = torch.arange(100)
#: en: Ten elements: shape (10,), offset 10 — a view, so it shares big's storage.
#: zh: 十个元素：形状 (10,)，偏移 10——是视图，所以与 big 共享存储。
small = big[10:20]
#: en: Predict: how many bytes does small's storage hold? All of them: it prints 800.
#: zh: 先预测：small 的存储有多少字节？全部：输出 800。
print(small.untyped_storage().nbytes())
#: en: del removes the name big, not the memory: the storage lives as long as any tensor views it.
#: zh: del 删除的是名字 big，不是内存：只要还有张量是它的视图，存储就一直存活。
del big
#: en: Still 800 bytes kept alive for 10 elements: it prints 800. Saving works the same way: torch.save(small) would write the whole 800-byte storage (it saves storages, so views stay views).
#: zh: 为了 10 个元素，仍然保留着 800 字节：输出 800。保存也是一样：torch.save(small) 会写出整块 800 字节的存储（它保存的是存储，这样视图仍是视图）。
print(small.untyped_storage().nbytes())
#: en: contiguous() does not help: small is already contiguous, so contiguous() returns small itself, on the same 800-byte storage. It prints True 800.
#: zh: contiguous() 帮不上忙：small 本来就是连续的，所以 contiguous() 直接返回 small 本身，仍在同一块 800 字节的存储上。输出 True 800。
print(small.contiguous() is small, small.contiguous().untyped_storage().nbytes())
#: en: clone() always copies: just the 10 elements, into a storage of their own (80 bytes). Binding small to its clone drops the last view of the big storage, and PyTorch frees it.
#: zh: clone() 总是复制：只复制这 10 个元素，放进自己的存储（80 字节）。把 small 绑定到它的副本，就丢掉了大存储的最后一个视图，PyTorch 随即释放它。
small = small.clone()
