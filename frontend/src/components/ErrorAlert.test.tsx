import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ApiError, errorFromResponse } from '../api/http';
import i18n from '../i18n';
import ErrorAlert from './ErrorAlert';

describe('ErrorAlert', () => {
  it('shows the problem title, detail, code and field errors', () => {
    const error = new ApiError(422, {
      title: '校验失败',
      detail: '有 2 个字段无效',
      code: 'validation_error',
      errors: [
        { field: 'name', message: '不能为空' },
        { field: '', message: '整体错误' },
      ],
    });
    render(<ErrorAlert error={error} />);
    expect(screen.getByText('校验失败')).toBeInTheDocument();
    expect(screen.getAllByTestId('error-line').map((line) => line.textContent)).toEqual(['有 2 个字段无效']);
    expect(screen.getByTestId('error-fields').querySelectorAll('li')).toHaveLength(2);
    expect(screen.getByTestId('error-fields')).toHaveTextContent('name：不能为空');
    expect(screen.getByTestId('error-fields')).toHaveTextContent('整体错误');
    expect(screen.getByTestId('error-code')).toHaveTextContent('错误代码：validation_error');
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('uses a translated HTTP message when there is no problem body', async () => {
    await i18n.changeLanguage('en');
    render(<ErrorAlert error={new ApiError(502, undefined, { code: 'http_error' })} />);
    expect(screen.getByText('Request failed (HTTP 502)')).toBeInTheDocument();
    expect(screen.queryByTestId('error-code')).not.toBeInTheDocument();
  });

  it('explains network and unknown errors', () => {
    const { unmount } = render(<ErrorAlert error={new ApiError(0, undefined, { code: 'network_error' })} />);
    expect(screen.getByTestId('error-line')).toHaveTextContent('无法连接到服务器，请检查网络或稍后重试。');
    unmount();
    render(<ErrorAlert error={new Error('boom')} />);
    expect(screen.getByTestId('error-line')).toHaveTextContent('发生未知错误。');
  });

  it('shows the server message in the UI language when the problem carries one per language', async () => {
    const error = new ApiError(409, {
      title: 'Conflict',
      detail: '该 API 密钥已被吊销。',
      code: 'api_key_revoked',
      messages: { 'zh-CN': '该 API 密钥已被吊销。', en: 'This API key is already revoked.' },
    });
    const { rerender } = render(<ErrorAlert error={error} />);
    expect(screen.getByText('请求失败')).toBeInTheDocument();
    expect(screen.queryByText('Conflict')).not.toBeInTheDocument();
    expect(screen.getAllByTestId('error-line').map((line) => line.textContent)).toEqual(['该 API 密钥已被吊销。']);

    await act(() => i18n.changeLanguage('en'));
    rerender(<ErrorAlert error={error} />);
    expect(screen.getAllByTestId('error-line').map((line) => line.textContent)).toEqual(['This API key is already revoked.']);
  });

  it('shows the request id a support desk asks for, from the problem or the X-Request-ID header', async () => {
    const fromBody = new ApiError(500, { title: 'Error', detail: '服务内部错误。', code: 'internal_error', request_id: '9f1c2e' });
    const { unmount } = render(<ErrorAlert error={fromBody} />);
    expect(screen.getByTestId('error-request-id')).toHaveTextContent('请求编号：9f1c2e');
    unmount();

    const response = new Response('upstream down', { status: 502, headers: { 'X-Request-ID': 'abc-123' } });
    render(<ErrorAlert error={await errorFromResponse(response)} />);
    expect(screen.getByTestId('error-request-id')).toHaveTextContent('请求编号：abc-123');
  });
});
