"""nianbao（年报）：政府信息公开工作年度报告静态网站生成器。"""

from . import classcode

__version__ = "0.1.0"

# before any module of the package makes its dataclasses: their methods compiled once, kept
classcode.install()
