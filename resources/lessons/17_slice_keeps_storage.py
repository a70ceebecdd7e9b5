#! title (en): 17 · A small slice keeps its whole storage alive
#! title (zh): 17 · 一个小切片会让整块存储一直存活
import torch
#: en: 1000 int64 numbers: one storage of 8000 bytes.
#: zh: 1000 个 int64 数：一块 8000 字节的存储。
big = torch.arange(1000)
#: en: Two elements: shape (2,), offset 10 — a view, so it shares big's storage.
#: zh: 两个元素：形状 (2,)，偏移 10——是视图，所以与 big 共享存储。
small = big[10:12]
#: en: Predict: how many bytes does small's storage hold? All of them: it prints 8000.
#: zh: 先预测：small 的存储有多少字节？全部：输出 8000。
print(small.untyped_storage().nbytes())
#: en: del removes the name big, not the memory: the storage lives as long as any tensor views it.
#: zh: del 删除的是名字 big，不是内存：只要还有张量是它的视图，存储就一直存活。
del big
#: en: Still 8000 bytes kept alive for 16 bytes of data: it prints 8000.
#: zh: 为了 16 字节的数据，仍然保留着 8000 字节：输出 8000。
print(small.untyped_storage().nbytes())
#: en: clone() copies just the 2 elements into a storage of their own: it prints 16.
#: zh: clone() 只把这 2 个元素复制到自己的存储中：输出 16。
kept = small.clone()
print(kept.untyped_storage().nbytes())
#: en: Once the last view is gone, the 8000 bytes are freed. The same goes for saving: torch.save(small) would write the whole 8000-byte storage (it saves storages, so views stay views); save small.clone() instead.
#: zh: 最后一个视图消失后，这 8000 字节才会被释放。保存也是一样：torch.save(small) 会写出整块 8000 字节的存储（它保存的是存储，这样视图仍是视图）；应该保存 small.clone()。
del small
