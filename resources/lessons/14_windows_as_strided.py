#! title (en): 14 · Overlapping windows: unfold, as_strided, and a layout that runs off the storage
#! title (zh): 14 · 重叠的窗口：unfold、as_strided，以及读到存储之外的布局
import torch
#: en: Six numbers in one storage of 6 cells: shape (6,), stride (1,).
#: zh: 六个数，一块 6 个单元的存储：形状 (6,)，步长 (1,)。
x = torch.arange(6)
#: en: unfold(0, 3, 1) makes sliding windows of 3, one start every 1 cell: shape (4, 3), stride (1, 1). Both dims step by one cell, so neighbouring windows overlap — no data is copied.
#: zh: unfold(0, 3, 1) 生成大小为 3 的滑动窗口，每隔 1 个单元开始一个：形状 (4, 3)，步长 (1, 1)。两个维度都前进一个单元，所以相邻窗口互相重叠——没有复制任何数据。
windows = x.unfold(0, 3, 1)
#: en: A rolling sum without a loop: each row sums one window. It prints [3, 6, 9, 12].
#: zh: 不用循环的滑动求和：每一行是一个窗口的和。输出 [3, 6, 9, 12]。
print(windows.sum(1).tolist())
#: en: as_strided writes the same layout by hand: size (4, 3), stride (1, 1). It is the same tensor; it prints True.
#: zh: 用 as_strided 手写同样的布局：形状 (4, 3)，步长 (1, 1)。它和 windows 完全相同；输出 True。
same = x.as_strided((4, 3), (1, 1))
print(torch.equal(same, windows))
#: en: Cell 2 is read by three windows: windows[0, 2], windows[1, 1] and windows[2, 0]. Torch's overlap check for in-place writes catches only stride 0: a write into overlapping windows like these is not refused, and its result depends on the order the cells are written in. clone() them before writing.
#: zh: 单元 2 被三个窗口读取：windows[0, 2]、windows[1, 1] 和 windows[2, 0]。torch 对原地写入的重叠检查只能发现步长 0：像这样重叠的窗口，写入不会被拒绝，结果却取决于各单元被写入的顺序。写入之前先 clone()。
own = windows.clone()
#: en: A new example: img is a 3×3 image of the numbers 0…8, shape (3, 3), stride (3, 1).
#: zh: 一个新例子：img 是由数字 0…8 组成的 3×3 图像，形状 (3, 3)，步长 (3, 1)。
img = torch.arange(9).view(3, 3)
#: en: Windows work in two dimensions too: unfold twice gives every 2×2 patch of a 3×3 image, shape (2, 2, 2, 2), stride (3, 1, 3, 1) — the patches step through the image as the image steps through itself, and nothing is copied. patches[1, 1] prints [[4, 5], [7, 8]].
#: zh: 窗口在二维中也一样：连续两次 unfold 得到 3×3 图像中的每个 2×2 小块，形状 (2, 2, 2, 2)，步长 (3, 1, 3, 1)——小块在图像中前进的方式和图像本身一样，没有复制任何数据。patches[1, 1] 输出 [[4, 5], [7, 8]]。
patches = img.unfold(0, 2, 1).unfold(1, 2, 1)
print(patches[1, 1].tolist())
#: en: Predict: size (3, 3) with stride (2, 1)? Its last element [2, 2] is at cell 2×2 + 2×1 = 6, but the storage ends at cell 5. as_strided never allocates, so it refuses.
#: zh: 先预测：形状 (3, 3)、步长 (2, 1) 行吗？最后一个元素 [2, 2] 在单元 2×2 + 2×1 = 6，但存储到单元 5 就结束了。as_strided 从不分配内存，所以它拒绝了。
bad = x.as_strided((3, 3), (2, 1))  #! expect-error
#: en: Two rows fit: size (2, 3), stride (2, 1) ends at cell 1×2 + 2×1 = 4.
#: zh: 两行就放得下：形状 (2, 3)、步长 (2, 1) 的最后一个单元是 1×2 + 2×1 = 4。
fits = x.as_strided((2, 3), (2, 1))
