#! title (en): 11 · Memory formats: channels_last and what "contiguous" means
#! title (zh): 11 · 内存格式：channels_last 与“连续”的含义
import torch
#: en: An image batch in the default format (N, C, H, W) = shape (1, 3, 2, 2): stride (12, 4, 2, 1). Each channel's 2×2 pixels sit together.
#: zh: 默认格式 (N, C, H, W) 的一批图像，形状 (1, 3, 2, 2)：步长 (12, 4, 2, 1)。每个通道的 2×2 个像素排在一起。
img = torch.arange(12.).reshape(1, 3, 2, 2)
#: en: to(memory_format=torch.channels_last) copies it into a new storage with the channels innermost: the shape stays (1, 3, 2, 2) but the stride is (12, 1, 6, 3). The 3 channel values of one pixel are now side by side.
#: zh: to(memory_format=torch.channels_last) 把它复制到新的存储，通道放在最内层：形状仍是 (1, 3, 2, 2)，步长变为 (12, 1, 6, 3)。同一个像素的 3 个通道值现在紧挨在一起。
cl = img.to(memory_format=torch.channels_last)
#: en: is_contiguous() asks about the default format only: it is False because reading cl in N, C, H, W order would need stride (12, 4, 2, 1), and cl's channel stride is 1. Asked about channels_last, the answer is True: cl is contiguous in N, H, W, C order.
#: zh: is_contiguous() 只针对默认格式：结果为 False，因为按 N、C、H、W 的顺序读取需要步长 (12, 4, 2, 1)，而 cl 的通道步长是 1。若问的是 channels_last，答案是 True：cl 按 N、H、W、C 的顺序是连续的。
#? output
print(cl.is_contiguous(), cl.is_contiguous(memory_format=torch.channels_last))
#: en: Permuted to (N, H, W, C) the same storage reads in order: shape (1, 2, 2, 3), stride (12, 6, 3, 1) — a contiguous view, no copy.
#: zh: 重排成 (N, H, W, C) 之后，同一块存储正好按顺序读取：形状 (1, 2, 2, 3)，步长 (12, 6, 3, 1)——一个连续的视图，没有复制。
nhwc = cl.permute(0, 2, 3, 1)
#: en: Its values in order are the storage's order: 0, 4, 8 (pixel [0, 0] in channels 0, 1, 2), then 1, 5, 9, …
#: zh: 按顺序读出的值就是存储的顺序：0、4、8（像素 [0, 0] 的通道 0、1、2），然后是 1、5、9……
print(nhwc.is_contiguous(), nhwc.flatten().tolist())
#: en: contiguous() (default format) copies back to stride (12, 4, 2, 1) in a new storage.
#: zh: contiguous()（默认格式）再复制回新的存储，步长 (12, 4, 2, 1)。
back = cl.contiguous()
