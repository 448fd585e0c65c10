from h import *
def build(Xr, P, tods, t, cand, K=8):
    """features for target t using candidates; Xr rows, P profile(288,N), tods row tod idx"""
    nb,d,up=neighbours(t,cand,K)
    V=Xr[:,nb]; Pk=P[tods][:,nb]
    w=np.exp(-(d/SIG)**2); w=w/w.sum() if w.sum()>1e-300 else np.ones(K)/K
    B=V[:,:5]@(w[:5]/w[:5].sum())
    F=[V-B[:,None], Pk-B[:,None], (V-Pk), np.tile(d/SIG,(len(B),1)), np.tile(up.astype(float),(len(B),1))]
    ang=2*np.pi*tods/288
    F.append(np.stack([np.sin(ang),np.cos(ang),np.sin(2*ang),np.cos(2*ang)],1))
    return np.concatenate(F,1), B
class MLP:
    def __init__(s,din,h=32,seed=0):
        r=np.random.RandomState(seed)
        s.W1=r.randn(din,h)*np.sqrt(1/din); s.b1=np.zeros(h); s.W2=r.randn(h,1)*0.01; s.b2=np.zeros(1)
    def fwd(s,X):
        H=np.maximum(X@s.W1+s.b1,0); return H,(H@s.W2+s.b2)[:,0]
    def fit(s,X,y,epochs=10,lr=1e-3,bs=512,seed=0,l1=True):
        r=np.random.RandomState(seed); ps=[s.W1,s.b1,s.W2,s.b2]; m=[np.zeros_like(p) for p in ps]; v=[np.zeros_like(p) for p in ps]; it=0
        for ep in range(epochs):
            o=r.permutation(len(y))
            for i in range(0,len(y),bs):
                idx=o[i:i+bs]; xb=X[idx]; H,out=s.fwd(xb); e=out-y[idx]
                g=np.sign(e) if l1 else e
                g=g[:,None]/len(idx)
                gW2=H.T@g; gb2=g.sum(0); gH=g@s.W2.T*(H>0); gW1=xb.T@gH; gb1=gH.sum(0)
                it+=1
                for j,(p,gp) in enumerate(zip(ps,[gW1,gb1,gW2,gb2])):
                    m[j]=0.9*m[j]+0.1*gp; v[j]=0.999*v[j]+0.001*gp*gp
                    p-= lr*(m[j]/(1-0.9**it))/(np.sqrt(v[j]/(1-0.999**it))+1e-8)
        return s
    def pred(s,X): return s.fwd(X)[1]
