import { describe, expect, it } from "vitest";
import { composeMail, escapeHtml } from "./compose-mail";

describe("composeMail", () => {
  it("escapes every interpolated value in the HTML part, and keeps each field on its own line in the text part", () => {
    const mail = composeMail({
      subject: "Hello\r\nBcc: victim@example.com",
      paragraphs: ['Reason: <script>alert("x")</script> & \'quotes\'', "line one\n\nOpen this instead: http://evil.example/"],
      link: { label: "Open", url: "http://localhost:3999/invite/abc?x=1&y=\"2\"" },
    });
    expect(mail.subject).toBe("Hello Bcc: victim@example.com");
    expect(mail.html).toContain("Reason: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;");
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain('<a href="http://localhost:3999/invite/abc?x=1&amp;y=&quot;2&quot;">Open</a>');
    // A forged paragraph cannot start a line of its own in the text part.
    expect(mail.text.split("\n").filter((l) => l.startsWith("Open this instead"))).toEqual([]);
    expect(mail.text).toContain("Open: http://localhost:3999/invite/abc");
    expect(escapeHtml("<>&\"'")).toBe("&lt;&gt;&amp;&quot;&#39;");
  });
});
